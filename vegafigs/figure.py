"""``Figure``: what every figure function returns — named layers, the numbers drawn, a theme.

A figure is one or more panels, each a stack of named Altair layers, plus the
tidy frames that were drawn (``fig.data``) and the theme config it is styled
with. It is immutable: :meth:`Figure.replace`, :meth:`Figure.without`,
:meth:`Figure.add` and the ``configure_*`` methods return a new figure. The
theme is merged *under* the spec when the figure is converted (as Altair
applies ``alt.theme``), so ``fig.configure_axis(labelFontSize=20)`` changes
that one setting and keeps the theme's others. ``width_in`` × ``height_in`` is
the whole figure, however many panels and whatever text it holds.

>>> import altair as alt, pandas as pd, vegafigs as vf
>>> fig = vf.figures.bar_trend(vf.demo.warmup_ablation(), x="warmup_steps", y="avg_score")
>>> sorted(fig.layers)
['bars', 'labels', 'trend']
>>> rule = alt.Chart(pd.DataFrame({"avg_score": [56.0]})).mark_rule().encode(y="avg_score:Q")
>>> fig2 = (fig + rule).without("trend").configure_axis(labelFontSize=12)
>>> sorted(fig2.layers)
['bars', 'extra', 'labels']
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, cast

import altair as alt
import pandas as pd

from vegafigs.errors import InputError

Chart = alt.TopLevelMixin
Compose = Callable[[Sequence[alt.LayerChart]], alt.TopLevelMixin]

#: Chart methods a figure records and replays on its composed chart.
_RECORDED = ("properties",)


@dataclass(frozen=True)
class Panel:
    """One plot of a figure: its id, its named layers (drawn in order) and properties.

    ``properties`` go on the panel's layer chart (``title``, ``width``,
    ``height``); ``resolve`` is passed to ``resolve_scale`` (e.g. ``{"y":
    "independent"}`` for two y axes).
    """

    name: str
    layers: Mapping[str, Chart]
    properties: Mapping[str, Any] = field(default_factory=dict)
    resolve: Mapping[str, str] = field(default_factory=dict)

    def chart(self) -> alt.LayerChart:
        """The panel's layers composed into one layer chart."""
        if not self.layers:
            raise InputError(f"panel {self.name!r}: no layers left to draw")
        chart: Any = alt.layer(*self.layers.values())  # type: ignore[arg-type]
        if self.properties:
            chart = chart.properties(**self.properties)
        if self.resolve:
            chart = chart.resolve_scale(**dict(self.resolve))
        return cast(alt.LayerChart, chart)


def hconcat(spacing: float) -> Compose:
    """A composer placing the panels side by side, ``spacing`` pt apart."""

    def compose(panels: Sequence[alt.LayerChart]) -> alt.TopLevelMixin:
        return panels[0] if len(panels) == 1 else alt.hconcat(*panels, spacing=spacing)

    return compose


class _Single:
    """The default composer: a single panel as it is, several side by side.

    An object with a fixed ``repr`` (not a function), so the API reference shows the
    same default on every build.
    """

    def __call__(self, panels: Sequence[alt.LayerChart]) -> alt.TopLevelMixin:
        """The panel itself, or an ``alt.hconcat`` of the panels.

        Parameters
        ----------
        panels : sequence of altair.LayerChart
            The panels' layer charts, in drawing order.

        Returns
        -------
        altair.TopLevelMixin
            The panel itself, or an ``alt.hconcat`` of the panels.
        """
        return panels[0] if len(panels) == 1 else alt.hconcat(*panels)

    def __repr__(self) -> str:
        return "<one panel, or side by side>"


_single: Compose = _Single()


@dataclass(frozen=True)
class Figure:
    """A figure: panels of named layers, the frames drawn, a theme and a size.

    Figure functions (:mod:`vegafigs.figures`) make it; a figure is immutable and
    every change returns a new one. Read ``chart`` (the composed Altair chart,
    without the theme), ``layers`` (name -> chart; ``"panel/layer"`` in a
    multi-panel figure), ``panels`` (panel ids), ``data`` (name -> copy of a tidy
    frame of the numbers drawn), ``theme`` (the Vega-Lite config merged under the
    spec), ``width_in`` / ``height_in`` (the whole figure). Change it with
    :meth:`replace`, :meth:`without`, :meth:`add` (also ``fig + chart``) and Altair's
    ``configure_*`` and ``properties`` methods, which are recorded and replayed on
    the composed chart (``properties`` may not set ``width``, ``height`` or
    ``autosize``: the size is ``width_in`` x ``height_in``). Convert with
    :meth:`to_dict`, :meth:`to_json`, :func:`vegafigs.save` or by displaying it in
    Jupyter.

    Parameters
    ----------
    panel_list : tuple of Panel
        The panels in drawing order, each an id, its named layers (drawn in order),
        its chart properties and scale resolution.
    theme : Mapping
        The Vega-Lite config merged under the spec when the figure is converted
        (the chart's own ``configure_*`` settings win key by key).
    width_in : float
        Width of the whole figure, in inches. See :term:`width_in`.
    height_in : float
        Height of the whole figure, in inches. See :term:`height_in`.
    frames : Mapping of str to pandas.DataFrame, optional
        Name -> tidy frame of the numbers drawn (read as ``data``; default none).
    compose : callable, optional
        Turns the panels' layer charts into the figure's chart (default: a single
        panel as it is, several side by side).
    kind : str, optional
        The figure function's name, shown by ``repr`` (default ``"figure"``).
    edits : tuple, optional
        The recorded ``(method, args, kwargs)`` calls (``configure_*``,
        ``properties``) replayed on the composed chart, in order (default none).

    Examples
    --------
    >>> import vegafigs as vf
    >>> fig = vf.figures.bar_trend(vf.demo.warmup_ablation(), x="warmup_steps", y="avg_score")
    >>> fig.panels, fig.width_in > 0
    (('main',), True)
    """

    panel_list: tuple[Panel, ...]
    theme: Mapping[str, Any]
    width_in: float
    height_in: float
    frames: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    compose: Compose = _single
    kind: str = "figure"
    edits: tuple[tuple[str, tuple[Any, ...], Mapping[str, Any]], ...] = ()

    # -- reading ---------------------------------------------------------------
    @property
    def panels(self) -> tuple[str, ...]:
        """The panel ids, in drawing order."""
        return tuple(p.name for p in self.panel_list)

    @property
    def layers(self) -> Mapping[str, Chart]:
        """Layer name -> Altair chart (``"panel/layer"`` when there are several panels)."""
        if len(self.panel_list) == 1:
            return MappingProxyType(dict(self.panel_list[0].layers))
        return MappingProxyType(
            {f"{p.name}/{name}": c for p in self.panel_list for name, c in p.layers.items()}
        )

    @property
    def data(self) -> Mapping[str, pd.DataFrame]:
        """Name -> copy of a tidy frame the figure drew (smoothed curves, bins, ...)."""
        return MappingProxyType({k: v.copy() for k, v in self.frames.items()})

    @property
    def chart(self) -> alt.TopLevelMixin:
        """The composed Altair chart (the theme is applied when it is converted)."""
        chart = self.compose([p.chart() for p in self.panel_list])
        for method, args, kwargs in self.edits:
            chart = getattr(chart, method)(*args, **kwargs)
        return chart

    # -- changing (each returns a new figure) ----------------------------------
    def replace(self, name: str, chart: Chart) -> Figure:
        """The figure with layer ``name`` swapped for ``chart`` (same place in the stack).

        Parameters
        ----------
        name : str
            The layer to replace, as in :attr:`layers`: in a multi-panel figure
            ``"panel/layer"``, or a bare layer name when exactly one panel has it. No
            match, or several, is an :class:`~vegafigs.InputError`.
        chart : altair.Chart or altair.LayerChart
            The new layer; it shares the panel's scales and must have no config of its
            own (configure the figure instead).

        Returns
        -------
        Figure
            A new figure; this one is unchanged.

        Examples
        --------
        >>> import altair as alt, pandas as pd, vegafigs as vf
        >>> fig = vf.figures.bar_trend(vf.demo.warmup_ablation(), x="warmup_steps", y="avg_score")
        >>> bars = alt.Chart(pd.DataFrame({"warmup_steps": [5], "avg_score": [56.0]})).mark_bar()
        >>> list(fig.replace("bars", bars.encode(x="warmup_steps:O", y="avg_score:Q")).layers)
        ['bars', 'trend', 'labels']
        """
        _check_layer(chart, param="chart")
        panel, layer = self._locate(name)
        layers = {k: (chart if k == layer else v) for k, v in self.panel_list[panel].layers.items()}
        return self._with_panel(panel, layers)

    def without(self, *names: str) -> Figure:
        """The figure without the named layers (an unqualified name: in every panel).

        Parameters
        ----------
        *names : str
            Layers to remove: a bare layer name removes it from every panel that has
            it; in a multi-panel figure ``"panel/layer"`` removes it from one panel. A
            name no panel has is an :class:`~vegafigs.InputError`. A panel left without
            layers fails when the figure is converted.

        Returns
        -------
        Figure
            A new figure; this one is unchanged.

        Examples
        --------
        >>> import vegafigs as vf
        >>> fig = vf.figures.bar_trend(vf.demo.warmup_ablation(), x="warmup_steps", y="avg_score")
        >>> list(fig.without("trend", "labels").layers)
        ['bars']
        """
        panels = list(self.panel_list)
        for name in names:
            hits = self._matches(name)
            if not hits:
                raise InputError(f"name: no layer {name!r}; the layers are {list(self.layers)}")
            for i, layer in hits:
                kept = {k: v for k, v in panels[i].layers.items() if k != layer}
                panels[i] = replace(panels[i], layers=kept)
        return replace(self, panel_list=tuple(panels))

    def add(self, chart: Chart, *, panel: str | None = None, name: str | None = None) -> Figure:
        """The figure with ``chart`` layered on top of a panel's layers, sharing its scales.

        Parameters
        ----------
        chart : altair.Chart or altair.LayerChart
            The new layer, drawn last; it must have no config of its own (configure
            the figure instead).
        panel : str or None, optional
            The panel id (one of :attr:`panels`); needed when the figure has several
            (default ``None``: the only panel).
        name : str or None, optional
            The new layer's name: new in that panel and without ``/`` (default
            ``None``: ``"extra"``, ``"extra_2"`` ...).

        Returns
        -------
        Figure
            A new figure; this one is unchanged. ``fig + chart`` is ``fig.add(chart)``.

        Examples
        --------
        >>> import altair as alt, pandas as pd, vegafigs as vf
        >>> fig = vf.figures.bar_trend(vf.demo.warmup_ablation(), x="warmup_steps", y="avg_score")
        >>> rule = alt.Chart(pd.DataFrame({"avg_score": [56.0]})).mark_rule()
        >>> list(fig.add(rule.encode(y="avg_score:Q"), name="baseline").layers)
        ['bars', 'trend', 'labels', 'baseline']
        """
        _check_layer(chart, param="chart")
        if panel is None:
            if len(self.panel_list) > 1:
                raise InputError(
                    f"panel: this figure has {len(self.panel_list)} panels; pass "
                    f"fig.add(chart, panel=...) with one of {list(self.panels)}"
                )
            index = 0
        elif panel in self.panels:
            index = self.panels.index(panel)
        else:
            raise InputError(f"panel: no panel {panel!r}; the panels are {list(self.panels)}")
        layers = dict(self.panel_list[index].layers)
        if name is None:
            name = next(n for k in range(1, len(layers) + 2)
                        if (n := "extra" if k == 1 else f"extra_{k}") not in layers)  # fmt: skip
        elif not isinstance(name, str) or not name or "/" in name or name in layers:
            raise InputError(f"name: expected a new layer name without '/', got {name!r}")
        layers[name] = chart
        return self._with_panel(index, layers)

    def __add__(self, other: Chart) -> Figure:
        return self.add(other)

    def __getattr__(self, attr: str) -> Any:
        # configure / configure_axis / ... : recorded, replayed on the composed chart.
        if attr.startswith("configure") and hasattr(alt.LayerChart, attr):
            return self._recorder(attr)
        if attr in _RECORDED:
            return self._recorder(attr)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {attr!r}")

    def _recorder(self, method: str) -> Callable[..., Figure]:
        def record(*args: Any, **kwargs: Any) -> Figure:
            if method == "properties" and {"width", "height", "autosize"} & set(kwargs):
                raise InputError(
                    "properties: the figure's size is width_in x height_in; pass those to "
                    "the figure function instead of width/height/autosize"
                )
            from vegafigs.themes import text

            # Its texts checked now (a control character would abort vl-convert at save).
            text.check_texts(text.chart_texts([], self.theme, extra=[list(args), kwargs]))
            edit = (method, args, kwargs)
            fig = replace(self, edits=(*self.edits, edit))
            fig.chart  # noqa: B018  (fail now, naming the bad setting, not when saving)
            return fig

        record.__name__ = method
        return record

    # -- converting --------------------------------------------------------------
    def to_dict(self, *, validate: bool = True) -> dict[str, Any]:
        """The Vega-Lite spec: the chart with the theme merged under it, sized exactly.

        The whole figure, with its titles, axes and legends, is ``width_in`` x
        ``height_in`` inches (72 px per inch); line breaks in texts become lists of lines.

        Parameters
        ----------
        validate : bool, optional
            Check the spec against the Vega-Lite schema while Altair converts it
            (default ``True``).

        Returns
        -------
        dict
            A new spec dict.

        Examples
        --------
        >>> import vegafigs as vf
        >>> fig = vf.figures.bar_trend(vf.demo.warmup_ablation(), x="warmup_steps", y="avg_score")
        >>> sorted(fig.to_dict()["config"])[:3]
        ['area', 'axis', 'axisX']
        """
        from vegafigs._layout import fit
        from vegafigs.themes import applied
        from vegafigs.themes.text import normalize_lines

        with applied(self.theme), alt.data_transformers.disable_max_rows():
            spec = self.chart.to_dict(validate=validate)
        # A line break in a title / text makes a list of lines (Vega-Lite's multi-line text).
        spec = normalize_lines(spec)
        return fit(spec, width=self.width_in * 72.0, height=self.height_in * 72.0)

    def to_json(self) -> str:
        """Canonical JSON of :meth:`to_dict` (sorted keys, byte-identical every run)."""
        from vegafigs.export import spec_json

        return spec_json(self.to_dict())

    def save(self, path: str, **kwargs: Any) -> Any:
        """:func:`vegafigs.save` of this figure (the format comes from the suffix).

        Parameters
        ----------
        path : str
            The output file: ``.vl.json`` / ``.json``, ``.png``, ``.svg``, ``.pdf`` or
            ``.html`` (parent folders are created).
        **kwargs
            The keyword arguments of :func:`vegafigs.save`: ``dpi`` (PNG pixels per
            inch, default 300), ``allow_external_data``, ``allow_data_dirs``.

        Returns
        -------
        pathlib.Path
            The file written.

        Examples
        --------
        >>> import vegafigs as vf
        >>> fig = vf.figures.bar_trend(vf.demo.warmup_ablation(), x="warmup_steps", y="avg_score")
        >>> fig.save("figs/warmup.svg")
        PosixPath('figs/warmup.svg')
        """
        from vegafigs.export import save

        return save(self, path, **kwargs)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        renderer = alt.renderers.get()
        if renderer is None:
            raise InputError("figure: no Altair renderer is enabled (alt.renderers.enable(...))")
        return renderer(self.to_dict())

    def __repr__(self) -> str:
        return (
            f"<Figure {self.kind}: {self.width_in:g} x {self.height_in:g} in, "
            f"layers {list(self.layers)}, data {list(self.frames)}>"
        )

    # -- helpers -------------------------------------------------------------------
    def _matches(self, name: str) -> list[tuple[int, str]]:
        if not isinstance(name, str):
            raise InputError(f"name: expected a layer name, got {name!r}")
        if len(self.panel_list) > 1 and "/" in name:
            panel, _, layer = name.rpartition("/")
            return [
                (i, layer)
                for i, p in enumerate(self.panel_list)
                if p.name == panel and layer in p.layers
            ]
        return [(i, name) for i, p in enumerate(self.panel_list) if name in p.layers]

    def _locate(self, name: str) -> tuple[int, str]:
        hits = self._matches(name)
        if len(hits) != 1:
            which = "no layer" if not hits else "several layers match"
            raise InputError(f"name: {which} {name!r}; the layers are {list(self.layers)}")
        return hits[0]

    def _with_panel(self, index: int, layers: Mapping[str, Chart]) -> Figure:
        panels = list(self.panel_list)
        panels[index] = replace(panels[index], layers=dict(layers))
        return replace(self, panel_list=tuple(panels))


def _check_layer(chart: object, *, param: str) -> None:
    if not isinstance(chart, (alt.Chart, alt.LayerChart)):
        raise InputError(
            f"{param}: expected an alt.Chart or alt.LayerChart to layer onto the plot, "
            f"got {type(chart).__name__}"
        )
    if chart.config is not alt.Undefined:
        raise InputError(
            f"{param}: the chart has its own config; configure the figure instead "
            "(fig.configure_axis(...)), whose theme applies to every layer"
        )


def make_figure(
    panels: Sequence[Panel],
    *,
    theme: Mapping[str, Any],
    size: tuple[float, float],
    data: Mapping[str, pd.DataFrame] | None = None,
    compose: Compose | None = None,
    kind: str = "figure",
) -> Figure:
    """A :class:`Figure` (for figure functions): ``size`` is (width_in, height_in).

    Every text the figure draws is checked here, when it is built: a control
    character is an :class:`InputError`, a character the theme's font cannot draw a
    :class:`~vegafigs.FontError` (:mod:`vegafigs.themes.text`).
    """
    from vegafigs.themes import text

    charts = [c for p in panels for c in p.layers.values()]
    text.check_texts(text.chart_texts(charts, theme, extra=[dict(p.properties) for p in panels]))
    return Figure(
        panel_list=tuple(panels),
        theme=copy.deepcopy(dict(theme)),
        width_in=float(size[0]),
        height_in=float(size[1]),
        frames=dict(data or {}),
        compose=compose or _single,
        kind=kind,
    )
