"""Smoothing of training curves: TensorBoard EMA, W&B time-weighted EMA, rolling, Gaussian.

Every function takes a tidy frame and returns a new one, sorted stably by
``[*by, x]`` (so the result does not depend on the input row order), with the
smoothed values in the column ``out`` (default ``"<y>_smooth"``). Each series
(``by`` group) is smoothed on its own. Non-finite values (NaN, +-inf) are passed
through unchanged and are skipped by the smoother, as in TensorBoard (no warning:
nothing is dropped); so are rows whose ``x`` is non-finite. Rows that repeat an
``x`` are kept and smoothed as consecutive points (in their input order). A series
whose finite values are all equal is returned unchanged (TensorBoard does the
same, to avoid rounding noise on constant curves).

>>> import pandas as pd
>>> df = pd.DataFrame({"step": [0, 1, 2], "loss": [1.0, 2.0, 3.0]})
>>> ema(df, x="step", y="loss", weight=0.5)["loss_smooth"].round(6).tolist()
[1.0, 1.666667, 2.428571]
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from vegafigs.errors import InputError
from vegafigs.frames import takes_frames
from vegafigs.transforms._groups import group_slices, sorted_frame

#: Names accepted by :func:`smooth` / ``parse_smooth``, with their parameter's meaning.
METHODS = {
    "ema": "weight in [0, 1) (TensorBoard's slider)",
    "twema": "weight in [0, 1] (W&B's slider)",
    "rolling": "window in points (odd integer >= 1)",
    "gaussian": "sigma in points (> 0)",
    "none": "no parameter",
}

#: Largest Gaussian ``sigma`` (points) accepted: its kernel has ``8 sigma + 1`` taps.
MAX_SIGMA = 1_000_000

#: W&B scales x steps to thousandths of the x range before weighting (``VIEWPORT_SCALE``).
TWEMA_VIEWPORT_SCALE = 1000.0


def _is_constant(v: np.ndarray) -> bool:
    return v.size > 0 and bool(np.all(v == v[0]))


def _apply(
    df: pd.DataFrame,
    *,
    x: str | None,
    y: str,
    by: str | Sequence[str] | None,
    out: str | None,
    core: Callable[[np.ndarray, np.ndarray | None], np.ndarray],
) -> pd.DataFrame:
    data, keys = sorted_frame(df, x=x, numeric=[y], by=by)
    values = data[y].to_numpy(dtype=float)
    xs = data[x].to_numpy(dtype=float) if x is not None else None
    result = values.copy()
    for sl in group_slices(data, keys):
        v = values[sl]
        finite = np.isfinite(v)
        if xs is not None:  # a point without a finite x has no place on the curve
            finite &= np.isfinite(xs[sl])
        f = v[finite]
        if f.size == 0 or _is_constant(f):
            continue
        xf = xs[sl][finite] if xs is not None else None
        seg = result[sl]
        seg[finite] = core(f, xf)
        result[sl] = seg
    data[out or f"{y}_smooth"] = result
    return data


def ema_values(values: np.ndarray, weight: float) -> np.ndarray:
    """TensorBoard's debiased EMA of finite ``values`` (see :func:`ema`)."""
    if weight == 0:
        return values.astype(float, copy=True)
    # pandas' adjusted EWM is sum_i w^i x_{t-i} / sum_i w^i, which equals
    # (1 - w) sum_i w^i x_{t-i} / (1 - w^(t+1)): TensorBoard's debiased EMA.
    return pd.Series(values).ewm(alpha=1.0 - weight, adjust=True).mean().to_numpy()


def _check_weight(weight: float, *, upper_open: bool, name: str) -> float:
    if isinstance(weight, (bool, np.bool_)):
        raise InputError(f"weight: expected a number, got {weight!r}")
    try:
        w = float(weight)
    except (TypeError, ValueError) as exc:
        raise InputError(f"weight: expected a number, got {weight!r}") from exc
    ok = 0 <= w < 1 if upper_open else 0 <= w <= 1
    if not ok:
        rng = "[0, 1)" if upper_open else "[0, 1]"
        raise InputError(f"weight: {name} needs a weight in {rng}, got {weight!r}")
    return w


@takes_frames("df")
def ema(
    df: pd.DataFrame,
    *,
    y: str,
    weight: float = 0.6,
    x: str | None = None,
    by: str | Sequence[str] | None = None,
    out: str | None = None,
) -> pd.DataFrame:
    """TensorBoard's smoothing slider: the debiased exponential moving average.

    For the finite values ``y_1, y_2, ...`` of a series (in ``x`` order) with
    weight ``w``::

        last_0 = 0
        last_n = w * last_{n-1} + (1 - w) * y_n
        smoothed_n = last_n / (1 - w**n)

    ``n`` counts finite points only: a NaN/inf is passed through and does not
    advance the debias count (TensorBoard's ``vz_line_chart2`` does the same).

    Parameters
    ----------
    df : dataframe
        pandas, polars (eager or lazy), pyarrow, DuckDB, PySpark ... (see
        :mod:`vegafigs.frames`; read as pandas with the same dtypes).
        Tidy frame with the columns ``y``, ``x`` (if given) and ``by``; every
        column is carried over to the result.
    y : str
        Column of the values to smooth (numeric). See :term:`y`.
    weight : float, optional
        The smoothing weight ``w`` in [0, 1) (default 0.6, TensorBoard's slider
        default); 0 returns the data unsmoothed.
    x : str, optional
        Column of the steps that orders each series (numeric); default ``None``:
        the rows' order in ``df``. See :term:`x`.
    by : str or sequence of str, optional
        Column(s) of the series (e.g. run, method) smoothed on their own; default
        ``None``: the whole frame is one series.
    out : str, optional
        Name of the column of the smoothed values; default ``None``:
        ``"<y>_smooth"``. An existing column of that name is replaced.

    Returns
    -------
    pandas.DataFrame
        A copy of ``df`` sorted stably by ``[*by, x]`` (numeric text in ``x`` /
        ``y`` converted to float) with the smoothed values in ``out``; non-finite
        values are passed through there.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"run": "a", "step": [0, 1, 2, 3], "reward": [0.0, 1.0, 1.0, 1.0]})
    >>> ema(df, x="step", y="reward", weight=0.5, by="run")["reward_smooth"].round(3).tolist()
    [0.0, 0.667, 0.857, 0.933]
    """
    w = _check_weight(weight, upper_open=True, name="ema")
    return _apply(df, x=x, y=y, by=by, out=out, core=lambda v, _x: ema_values(v, w))


@takes_frames("df")
def twema(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    weight: float = 0.6,
    by: str | Sequence[str] | None = None,
    out: str | None = None,
    x_range: float | None = None,
) -> pd.DataFrame:
    """Weights & Biases' default smoothing: the time-weighted EMA for uneven steps.

    With ``s = min(sqrt(weight), 0.999)``, ``R`` the x range of the series
    (``x_range`` overrides it) and ``V = 1000`` (W&B's ``VIEWPORT_SCALE``)::

        a_n = s ** ((x_n - x_{n-1}) / R * V)        (a_1 = 1)
        num_n = num_{n-1} * a_n + y_n
        den_n = den_{n-1} * a_n + 1
        smoothed_n = num_n / den_n

    so a gap twice as long decays the past twice as much. Non-finite values are
    passed through and skipped. Without ``x_range``, a series whose x range is 0
    (one step) is returned unsmoothed.

    Parameters
    ----------
    df : dataframe
        pandas, polars (eager or lazy), pyarrow, DuckDB, PySpark ... (see
        :mod:`vegafigs.frames`; read as pandas with the same dtypes).
        Tidy frame with the columns ``y``, ``x`` (if given) and ``by``; every
        column is carried over to the result.
    x : str
        Column of the steps (numeric, required: the gaps between steps set the
        decay). See :term:`x`.
    y : str
        Column of the values to smooth (numeric). See :term:`y`.
    weight : float, optional
        W&B's smoothing weight, a number in [0, 1] (default 0.6; a boolean is
        an ``InputError``); 0 returns the data unsmoothed, 1 smooths with
        ``s = 0.999``.
    by : str or sequence of str, optional
        Column(s) of the series (e.g. run, method) smoothed on their own; default
        ``None``: the whole frame is one series.
    out : str, optional
        Name of the column of the smoothed values; default ``None``:
        ``"<y>_smooth"``. An existing column of that name is replaced.
    x_range : float, optional
        The x range ``R`` the gaps are scaled by (a positive finite number,
        numpy integers and floats included; not a boolean), for the same
        smoothing as a W&B panel whose x axis spans it; default ``None``: each
        series' own max - min of ``x``.

    Returns
    -------
    pandas.DataFrame
        A copy of ``df`` sorted stably by ``[*by, x]`` (numeric text in ``x`` /
        ``y`` converted to float) with the smoothed values in ``out``; non-finite
        values are passed through there.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"run": "a", "step": [0, 1, 3, 4], "reward": [0.0, 1.0, 0.0, 1.0]})
    >>> out = twema(df, x="step", y="reward", weight=0.6, by="run", x_range=1000)
    >>> out["reward_smooth"].round(3).tolist()  # the gap 1 -> 3 decays twice as much
    [0.0, 0.564, 0.291, 0.564]
    """
    w = _check_weight(weight, upper_open=False, name="twema")
    s = min(math.sqrt(w), 0.999)
    if x is None:
        raise InputError("x: twema needs the x column (it weights by step gaps)")
    if x_range is not None and not (
        isinstance(x_range, (int, float, np.integer, np.floating))
        and not isinstance(x_range, bool)
        and x_range > 0
        and math.isfinite(x_range)
    ):
        raise InputError(f"x_range: expected a positive finite number, got {x_range!r}")

    def core(v: np.ndarray, xs: np.ndarray | None) -> np.ndarray:
        assert xs is not None
        rng = float(x_range) if x_range is not None else float(xs.max() - xs.min())
        if rng <= 0 or s == 0:
            return v.astype(float, copy=True)
        dx = np.diff(xs, prepend=xs[0]) / rng * TWEMA_VIEWPORT_SCALE
        decay = np.power(s, dx).tolist()
        res = np.empty(v.size)
        num = den = 0.0
        for i, (a, val) in enumerate(zip(decay, v.tolist(), strict=True)):
            num = num * a + val
            den = den * a + 1.0
            res[i] = num / den
        return res

    return _apply(df, x=x, y=y, by=by, out=out, core=core)


def _check_window(window: int) -> None:
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise InputError(f"window: expected a positive odd integer, got {window!r}")
    if window % 2 == 0:
        raise InputError(f"window: expected an odd number of points (centred), got {window}")


def _check_sigma(sigma: float) -> None:
    if (
        isinstance(sigma, bool)
        or not isinstance(sigma, (int, float, np.integer, np.floating))
        or not 0 < sigma <= MAX_SIGMA
    ):
        raise InputError(
            f"sigma: expected a positive number of points up to {MAX_SIGMA:,}, got {sigma!r}"
        )


@takes_frames("df")
def rolling(
    df: pd.DataFrame,
    *,
    y: str,
    window: int = 11,
    x: str | None = None,
    by: str | Sequence[str] | None = None,
    out: str | None = None,
) -> pd.DataFrame:
    """Centred moving average over ``window`` points (odd), edge-padded.

    ``smoothed_i = mean(y_{i-h} .. y_{i+h})`` with ``h = window // 2``, where
    ``y`` is extended by repeating its first / last value ``h`` times, so the
    ends are smoothed over a full window too.

    Parameters
    ----------
    df : dataframe
        pandas, polars (eager or lazy), pyarrow, DuckDB, PySpark ... (see
        :mod:`vegafigs.frames`; read as pandas with the same dtypes).
        Tidy frame with the columns ``y``, ``x`` (if given) and ``by``; every
        column is carried over to the result.
    y : str
        Column of the values to smooth (numeric). See :term:`y`.
    window : int, optional
        Number of points averaged, centred on each point (an odd integer >= 1,
        default 11; 1 returns the data).
    x : str, optional
        Column of the steps that orders each series (numeric); default ``None``:
        the rows' order in ``df``. See :term:`x`.
    by : str or sequence of str, optional
        Column(s) of the series (e.g. run, method) smoothed on their own; default
        ``None``: the whole frame is one series.
    out : str, optional
        Name of the column of the smoothed values; default ``None``:
        ``"<y>_smooth"``. An existing column of that name is replaced.

    Returns
    -------
    pandas.DataFrame
        A copy of ``df`` sorted stably by ``[*by, x]`` (numeric text in ``x`` /
        ``y`` converted to float) with the smoothed values in ``out``; non-finite
        values are passed through there.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"run": "a", "step": [0, 1, 2, 3], "reward": [0.0, 1.0, 1.0, 1.0]})
    >>> rolling(df, x="step", y="reward", window=3, by="run")["reward_smooth"].round(3).tolist()
    [0.333, 0.667, 1.0, 1.0]
    """
    _check_window(window)
    h = int(window) // 2

    def core(v: np.ndarray, _x: np.ndarray | None) -> np.ndarray:
        # Sums over the edge-padded series without building it (a window far longer
        # than the series costs nothing): P(j) = sum of padded values up to index j.
        n = v.size
        c = np.cumsum(v)
        i = np.arange(n)

        def prefix(j: np.ndarray) -> np.ndarray:
            inside = c[np.clip(j, 0, n - 1)] + np.maximum(j - (n - 1), 0) * v[-1]
            return np.where(j < 0, (j + h + 1) * v[0], h * v[0] + inside)

        return (prefix(i + h) - prefix(i - h - 1)) / window

    return _apply(df, x=x, y=y, by=by, out=out, core=core)


def gaussian_kernel(sigma: float) -> np.ndarray:
    """Normalised Gaussian weights ``exp(-k^2 / (2 sigma^2))`` for ``|k| <= ceil(4 sigma)``."""
    radius = max(1, math.ceil(4 * sigma))
    k = np.arange(-radius, radius + 1, dtype=float)
    weights = np.exp(-0.5 * (k / sigma) ** 2)
    return weights / weights.sum()


@takes_frames("df")
def gaussian(
    df: pd.DataFrame,
    *,
    y: str,
    sigma: float = 3.0,
    x: str | None = None,
    by: str | Sequence[str] | None = None,
    out: str | None = None,
) -> pd.DataFrame:
    """Gaussian kernel smoothing with standard deviation ``sigma`` points, edge-padded.

    ``smoothed_i = sum_k g_k y_{i+k}`` with ``g_k ∝ exp(-k² / (2 sigma²))`` for
    ``|k| <= ceil(4 sigma)``, normalised to sum 1; ``y`` is edge-padded.

    Parameters
    ----------
    df : dataframe
        pandas, polars (eager or lazy), pyarrow, DuckDB, PySpark ... (see
        :mod:`vegafigs.frames`; read as pandas with the same dtypes).
        Tidy frame with the columns ``y``, ``x`` (if given) and ``by``; every
        column is carried over to the result.
    y : str
        Column of the values to smooth (numeric). See :term:`y`.
    sigma : float, optional
        Standard deviation of the kernel in points, not in ``x`` units (> 0, at
        most 1,000,000; default 3.0).
    x : str, optional
        Column of the steps that orders each series (numeric); default ``None``:
        the rows' order in ``df``. See :term:`x`.
    by : str or sequence of str, optional
        Column(s) of the series (e.g. run, method) smoothed on their own; default
        ``None``: the whole frame is one series.
    out : str, optional
        Name of the column of the smoothed values; default ``None``:
        ``"<y>_smooth"``. An existing column of that name is replaced.

    Returns
    -------
    pandas.DataFrame
        A copy of ``df`` sorted stably by ``[*by, x]`` (numeric text in ``x`` /
        ``y`` converted to float) with the smoothed values in ``out``; non-finite
        values are passed through there.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"run": "a", "step": [0, 1, 2, 3], "reward": [0.0, 1.0, 1.0, 1.0]})
    >>> gaussian(df, x="step", y="reward", sigma=1, by="run")["reward_smooth"].round(3).tolist()
    [0.301, 0.699, 0.941, 0.995]
    """
    _check_sigma(sigma)
    kernel = gaussian_kernel(float(sigma))
    r = kernel.size // 2

    def core(v: np.ndarray, _x: np.ndarray | None) -> np.ndarray:
        # Taps further than the series is long only ever see the edge values: fold
        # their weight onto the outermost kept tap (exact; the kernel then has at
        # most 2n + 1 taps, so a huge sigma on a short series stays cheap).
        k, rr = kernel, r
        if r > v.size:
            rr = v.size
            k = kernel[r - rr : r + rr + 1].copy()
            tail = float(kernel[: r - rr].sum())
            k[0] += tail
            k[-1] += tail
        return np.convolve(np.pad(v, rr, mode="edge"), k, mode="valid")

    return _apply(df, x=x, y=y, by=by, out=out, core=core)


_SPEC = re.compile(r"^\s*([a-z]+)\s*(?::\s*([0-9.eE+-]+))?\s*$")


def parse_smooth(spec: str | tuple[str, float] | None) -> tuple[str, float | None]:
    """``"ema:0.9"`` / ``("ema", 0.9)`` / ``None`` -> ``(method, parameter)``.

    The parameter is checked here (see
    :data:`~vegafigs.transforms.smoothing.METHODS`), so a bad spec fails before
    any data is touched.

    Parameters
    ----------
    spec : str or tuple of (str, float) or None
        The smoothing: ``"method:parameter"`` (case and spaces ignored, e.g.
        ``"ema:0.9"``, ``"twema:0.6"``, ``"rolling:25"``, ``"gaussian:3"``),
        ``"none"``, a ``(method, parameter)`` tuple, or ``None`` (no smoothing).
        The parameter is the weight of ``ema`` (in [0, 1)) and ``twema`` (in
        [0, 1]), the window of ``rolling`` (a whole odd number >= 1) and the
        sigma of ``gaussian`` (> 0, in points); a number, not a boolean.
        ``"none"`` takes none: ``"none:3"`` / ``("none", 3)`` are an
        ``InputError``.

    Returns
    -------
    tuple of (str, float or None)
        The method name (a key of :data:`~vegafigs.transforms.smoothing.METHODS`)
        and its parameter as a float
        (``None`` for ``"none"``).

    Examples
    --------
    >>> parse_smooth("rolling:25")
    ('rolling', 25.0)
    """
    if spec is None:
        return ("none", None)
    name, param = _split_smooth(spec)
    if name not in METHODS:
        raise InputError(f"smooth: unknown method {name!r}; expected one of {', '.join(METHODS)}")
    if name == "none":
        if param is not None:
            raise InputError(f"smooth: 'none' takes no parameter, got {param!r}; pass 'none'")
        return ("none", None)
    if param is None:
        raise InputError(f"smooth: {name!r} needs a parameter ({METHODS[name]}), e.g. '{name}:…'")
    try:
        if isinstance(param, (bool, np.bool_)):
            raise TypeError("a boolean is not a number")
        value = float(param)
    except (TypeError, ValueError) as exc:
        raise InputError(f"smooth: parameter {param!r} of {name!r} is not a number") from exc
    try:
        _check_smooth_param(name, value, param)
    except InputError as exc:
        raise InputError(f"smooth: {name}:{param}: {exc}") from exc
    return (name, value)


def _split_smooth(spec: object) -> tuple[str, Any]:
    """``(method name, raw parameter or None)`` of a ``smooth=`` string or tuple."""
    if isinstance(spec, tuple):
        if len(spec) != 2:
            raise InputError(f"smooth: expected (method, parameter), got {spec!r}")
        return str(spec[0]), spec[1]
    if isinstance(spec, str):
        m = _SPEC.match(spec.lower())
        if not m:
            raise InputError(f"smooth: cannot parse {spec!r}; expected e.g. 'ema:0.9', 'none'")
        return m.group(1), m.group(2)
    raise InputError(f"smooth: expected a string like 'ema:0.9', got {spec!r}")


def _check_smooth_param(name: str, value: float, param: object) -> None:
    if name in ("ema", "twema"):
        _check_weight(value, upper_open=name == "ema", name=name)
    elif name == "rolling":
        if not (math.isfinite(value) and value == int(value)):
            raise InputError(f"window: rolling needs a whole number of points, got {param!r}")
        _check_window(int(value))
    else:
        _check_sigma(value)


@takes_frames("df")
def smooth(
    df: pd.DataFrame,
    *,
    y: str,
    method: str | tuple[str, float] | None,
    x: str | None = None,
    by: str | Sequence[str] | None = None,
    out: str | None = None,
) -> pd.DataFrame:
    """Dispatch on ``method`` (``"ema:0.9"``, ``"twema:0.6"``, ``"rolling:25"``,
    ``"gaussian:3"``, ``"none"`` / ``None``); see the functions for the formulas.

    :func:`~vegafigs.transforms.ema`, :func:`~vegafigs.transforms.twema`,
    :func:`~vegafigs.transforms.rolling` and :func:`~vegafigs.transforms.gaussian`
    do the work; ``"none"`` / ``None`` copies ``y`` into ``out`` unchanged (the
    frame still sorted by ``[*by, x]``).

    Parameters
    ----------
    df : dataframe
        pandas, polars (eager or lazy), pyarrow, DuckDB, PySpark ... (see
        :mod:`vegafigs.frames`; read as pandas with the same dtypes).
        Tidy frame with the columns ``y``, ``x`` (if given) and ``by``; every
        column is carried over to the result.
    y : str
        Column of the values to smooth (numeric). See :term:`y`.
    method : str or tuple of (str, float) or None
        The smoothing and its parameter, as
        :func:`~vegafigs.transforms.parse_smooth` reads it:
        ``"ema:0.9"``, ``"twema:0.6"``, ``"rolling:25"``, ``"gaussian:3"``,
        ``("ema", 0.9)``, ``"none"`` or ``None``.
    x : str, optional
        Column of the steps that orders each series (numeric); default ``None``:
        the rows' order in ``df``. Required by ``"twema"``. See :term:`x`.
    by : str or sequence of str, optional
        Column(s) of the series (e.g. run, method) smoothed on their own; default
        ``None``: the whole frame is one series.
    out : str, optional
        Name of the column of the smoothed values; default ``None``:
        ``"<y>_smooth"``. An existing column of that name is replaced.

    Returns
    -------
    pandas.DataFrame
        A copy of ``df`` sorted stably by ``[*by, x]`` (numeric text in ``x`` /
        ``y`` converted to float) with the smoothed values in ``out``; non-finite
        values are passed through there.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"run": "a", "step": [0, 1, 2, 3], "reward": [0.0, 1.0, 1.0, 1.0]})
    >>> smooth(df, x="step", y="reward", method="ema:0.5", by="run").columns.tolist()
    ['run', 'step', 'reward', 'reward_smooth']
    """
    name, param = parse_smooth(method)
    if name == "ema":
        return ema(df, x=x, y=y, weight=param, by=by, out=out)  # type: ignore[arg-type]
    if name == "twema":
        if x is None:
            raise InputError("smooth: 'twema' needs the x column (it weights by step gaps)")
        return twema(df, x=x, y=y, weight=param, by=by, out=out)  # type: ignore[arg-type]
    if name == "rolling":
        assert param is not None
        return rolling(df, x=x, y=y, window=int(param), by=by, out=out)
    if name == "gaussian":
        return gaussian(df, x=x, y=y, sigma=param, by=by, out=out)  # type: ignore[arg-type]
    data, _ = sorted_frame(df, x=x, numeric=[y], by=by)
    data[out or f"{y}_smooth"] = data[y]
    return data
