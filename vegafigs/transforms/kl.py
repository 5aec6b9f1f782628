"""KL "spaghetti" statistics: smoothing, per-trajectory normalisation, alive/dead, counts.

The semantics follow the steering script the KL spaghetti figure comes from:

* each trajectory keeps its first ``min(len(kl), gen_len)`` tokens, smoothed by a
  centred, edge-padded rolling mean (:func:`rolling_mean_edge`);
* with ``normalize_kl`` it is divided by the 95th percentile of its first
  ``calib_tokens`` smoothed values; no finite positive scale -> skipped;
* alive/dead per token from the running minimum of pmass
  (:func:`~vegafigs.transforms.states.alive_mask`);
* died = any dead token, censored = ``gen_len < window``; a skipped trajectory, or
  one with fewer than 2 tokens, counts in ``n`` only.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from vegafigs._checks import (
    plain,
    require_columns,
    require_finite,
    require_frame,
    require_numeric,
    require_positive,
)
from vegafigs._fields import as_text_levels, require_column_names, text_of
from vegafigs.errors import InputError
from vegafigs.frames import takes_frames
from vegafigs.transforms.states import _vector, alive_mask

#: Smallest per-trajectory scale accepted by the normalisation.
MIN_SCALE = 1e-8
#: The columns :func:`kl_states` adds to ``trajectories`` (replacing any of the same name).
PER_TRAJ = ("n_tokens", "scale", "skipped", "drawn", "died", "censored", "end_t", "end_kl")


def rolling_mean_edge(x: np.ndarray, window: int) -> np.ndarray:
    """Centred rolling mean with edge padding; ``x`` unchanged when shorter than ``window``.

    Each value becomes the mean of the ``window`` values around it, ``x`` being
    extended at both ends by repeating its first / last value, so the result has
    the length of ``x``. A NaN/±inf value spreads to every mean whose window holds
    it (as in the seed script). ``x`` that is not a flat list of numbers and a
    ``window`` that is not a positive integer are an :class:`~vegafigs.InputError`.

    Parameters
    ----------
    x : array_like of float
        One trajectory's values in token order (a flat list or 1-D array of
        numbers). Not a column name.
    window : int
        Number of values averaged (a positive integer): ``window // 2`` on each
        side of the value for an odd window; for an even one, ``window // 2``
        before and ``window // 2 - 1`` after. ``1``, or a ``window`` longer than
        ``x``, returns a copy of ``x``, unsmoothed.

    Returns
    -------
    numpy.ndarray
        The smoothed values as floats, as long as ``x`` (``x`` itself, as a float
        array, when it is not smoothed).

    Examples
    --------
    >>> rolling_mean_edge(np.array([0.0, 0.0, 3.0, 0.0, 0.0]), 3).tolist()
    [0.0, 1.0, 1.0, 1.0, 0.0]
    """
    x = _vector(x, param="x")
    require_positive(window, param="window", integer=True)
    if window <= 1 or len(x) < window:
        return x.copy()  # a new array either way: the caller's is never aliased
    padded = np.pad(x, window // 2, mode="edge")
    return np.convolve(padded, np.ones(window, dtype=float) / window, mode="valid")[: len(x)]


def head_scale(kl: np.ndarray, calib_tokens: int) -> float:
    """95th percentile of the finite values among the first ``calib_tokens`` (NaN if none)."""
    head = np.asarray(kl, dtype=float)[: min(calib_tokens, len(kl))]
    head = head[np.isfinite(head)]
    return float(np.nanpercentile(head, 95)) if head.size else float("nan")


@takes_frames("trajectories", "kl", "pmass")
def kl_states(
    trajectories: pd.DataFrame,
    kl: pd.DataFrame,
    pmass: pd.DataFrame,
    *,
    window: int = 512,
    threshold: float = 0.8,
    roll: int = 65,
    normalize_kl: bool = True,
    calib_tokens: int = 20,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Smoothed (normalised) KL per token with its alive state, and per-trajectory flags.

    Inputs are the frames of :class:`vegafigs.io.KLRuns`. Returns ``(tokens,
    per_traj)``: ``tokens`` has ``alpha, traj, t, kl, alive`` for every trajectory
    that was not skipped; ``per_traj`` is ``trajectories`` plus ``n_tokens``,
    ``scale``, ``skipped``, ``drawn`` (not skipped, >= 2 tokens), ``died``,
    ``censored``, ``end_t`` (``gen_len - 1``) and ``end_kl`` (last value); a column
    of ``trajectories`` with one of these names is replaced. Other columns of the
    frames are ignored (``trajectories``' own are kept in ``per_traj``). Each
    trajectory keeps its first ``min(len(kl), gen_len)`` tokens, smoothed by
    :func:`~vegafigs.transforms.rolling_mean_edge`; see the module doc for the
    steps.

    Bad input: NaN/±inf KL values are kept (they spread over the rolling window
    and leave gaps in the drawn lines; NaN pmass counts as alive). An empty frame,
    a missing column, non-numeric values, a repeated ``traj`` in ``trajectories``,
    MultiIndex, repeated or non-string column names,
    KL tokens ``t`` of a trajectory that are not ``0, 1, 2, ...``, a negative or
    non-integer ``gen_len``, a ``window``, ``roll`` or ``calib_tokens`` that is not
    a positive integer and a non-finite ``threshold`` are an
    :class:`~vegafigs.InputError`.

    Parameters
    ----------
    trajectories : dataframe (any frame: see :mod:`vegafigs.frames`)
        One row per trajectory with the columns ``traj`` (its id, unique),
        ``alpha`` and ``gen_len`` (generated length, a whole number >= 0), e.g.
        the ``trajectories`` of :class:`~vegafigs.io.KLRuns`.
    kl : dataframe (any frame: see :mod:`vegafigs.frames`)
        One row per token with the columns ``traj``, ``t`` (token index,
        ``0, 1, 2, ...`` per trajectory) and ``kl``, e.g. the ``kl`` of
        :class:`~vegafigs.io.KLRuns`. Tokens past ``gen_len`` are not used.
    pmass : dataframe (any frame: see :mod:`vegafigs.frames`)
        One row per fork point with the columns ``traj``, ``t`` (the fork's token
        index, a whole number >= 0) and ``pmass``, e.g. the ``pmass`` of
        :class:`~vegafigs.io.KLRuns`. A trajectory without rows stays alive.
    window : int, optional
        The generation window in tokens (a positive integer, default 512): a drawn
        trajectory whose ``gen_len`` is below it is flagged ``censored``. It does
        not cut the tokens.
    threshold : float, optional
        Death threshold of pmass (finite, default 0.8): a token is dead once the
        running minimum of pmass over the fork points so far is below it (see
        :func:`~vegafigs.transforms.alive_mask`); death is permanent.
    roll : int, optional
        Window in tokens of the centred, edge-padded rolling mean that smooths
        each trajectory's KL (a positive integer, default 65; 1: no smoothing).
    normalize_kl : bool, optional
        Divide each trajectory's smoothed KL by its scale, the 95th percentile of
        its first ``calib_tokens`` finite smoothed values (default ``True``); a
        trajectory without a finite scale above 1e-8 is skipped (no tokens; it
        still counts in the ``n`` of :func:`~vegafigs.transforms.kl_alive_summary`).
        ``False``: scale 1, nothing skipped.
    calib_tokens : int, optional
        Number of leading tokens the scale is taken from (a positive integer,
        default 20).

    Returns
    -------
    tokens : pandas.DataFrame
        ``alpha, traj, t, kl, alive``: one row per kept token of every trajectory
        that was not skipped (``kl`` smoothed and, with ``normalize_kl``, divided
        by the scale; ``alive`` a bool).
    per_traj : pandas.DataFrame
        ``trajectories`` (same row order) plus ``n_tokens``, ``scale``,
        ``skipped``, ``drawn``, ``died`` (some token dead), ``censored``,
        ``end_t`` and ``end_kl`` (NaN unless drawn).

    Examples
    --------
    >>> import pandas as pd
    >>> trajectories = pd.DataFrame({"traj": [0, 1], "alpha": "0.5", "gen_len": [4, 3]})
    >>> kl = pd.DataFrame({"traj": [0, 0, 0, 0, 1, 1, 1], "t": [0, 1, 2, 3, 0, 1, 2],
    ...                    "kl": [1.0, 2.0, 3.0, 4.0, 1.0, 1.0, 1.0]})
    >>> pmass = pd.DataFrame({"traj": [0, 0, 1, 1], "t": [0, 2, 0, 2],
    ...                       "pmass": [0.9, 0.5, 0.9, 0.9]})
    >>> tokens, per_traj = kl_states(trajectories, kl, pmass, window=4, roll=1,
    ...                              normalize_kl=False)
    >>> tokens[tokens.traj == 0]
      alpha  traj  t   kl  alive
    0   0.5     0  0  1.0   True
    1   0.5     0  1  2.0   True
    2   0.5     0  2  3.0  False
    3   0.5     0  3  4.0  False
    >>> per_traj[["traj", "n_tokens", "drawn", "died", "censored", "end_kl"]]
       traj  n_tokens  drawn   died  censored  end_kl
    0     0         4   True   True     False     4.0
    1     1         3   True  False      True     1.0
    """
    for name, frame, cols in (
        ("trajectories", trajectories, ["traj", "alpha", "gen_len"]),
        ("kl", kl, ["traj", "t", "kl"]),
        ("pmass", pmass, ["traj", "t", "pmass"]),
    ):
        require_frame(frame, param=name)
        require_column_names(frame, cols, param=name)
        require_columns(frame, cols, param=name)
    require_positive(window, param="window", integer=True)
    require_positive(roll, param="roll", integer=True)
    require_positive(calib_tokens, param="calib_tokens", integer=True)
    threshold = require_finite(threshold, param="threshold")
    trajectories, kl, pmass = _checked_inputs(trajectories, kl, pmass)

    kl_sorted = kl.sort_values(["traj", "t"], kind="stable")
    pm_sorted = pmass.sort_values(["traj", "t"], kind="stable")
    kl_groups = _split(kl_sorted, "kl")
    pm_groups = {k: (g["t"].to_numpy(), g["pmass"].to_numpy(float)) for k, g in _groups(pm_sorted)}
    empty = (np.zeros(0, dtype=int), np.zeros(0))

    rows = []
    tok_parts: list[pd.DataFrame] = []
    for tr in trajectories.itertuples(index=False):
        raw = kl_groups.get(tr.traj, np.zeros(0))
        gen_len = int(tr.gen_len)  # type: ignore[arg-type]  # itertuples fields are untyped
        n_tok = max(min(len(raw), gen_len), 0)
        values = rolling_mean_edge(raw[:n_tok], roll)
        scale = 1.0
        skipped = False
        if normalize_kl:
            scale = head_scale(values, calib_tokens)
            skipped = not (np.isfinite(scale) and scale > MIN_SCALE)
            if not skipped:
                values = values / scale
        row = {"n_tokens": n_tok, "scale": scale, "skipped": skipped}
        drawn = not skipped and n_tok >= 2
        died = censored = False
        end_kl = float("nan")
        if not skipped:
            fork_t, pm = pm_groups.get(tr.traj, empty)
            alive = alive_mask(pm, fork_t, n_tokens=n_tok, threshold=threshold)
            tok_parts.append(
                pd.DataFrame(
                    {
                        "alpha": tr.alpha,
                        "traj": tr.traj,
                        "t": np.arange(n_tok),
                        "kl": values,
                        "alive": alive,
                    }
                )
            )
            if drawn:
                died = not bool(alive.all())
                censored = gen_len < window
                end_kl = float(values[-1])
        row.update(drawn=drawn, died=died, censored=censored, end_t=gen_len - 1, end_kl=end_kl)
        rows.append(row)
    flags = pd.DataFrame(rows, columns=list(PER_TRAJ))
    kept = trajectories.drop(columns=[c for c in PER_TRAJ if c in trajectories.columns])
    per_traj = pd.concat([kept.reset_index(drop=True), flags], axis=1)
    columns = {"alpha": "object", "traj": "int64", "t": "int64", "kl": "float64", "alive": "bool"}
    tokens = (
        pd.concat(tok_parts, ignore_index=True)
        if tok_parts
        else pd.DataFrame({c: pd.Series(dtype=d) for c, d in columns.items()})
    )
    return tokens, per_traj


def _numeric(frame: pd.DataFrame, columns: Sequence[str], *, param: str) -> pd.DataFrame:
    """``frame`` with ``columns`` checked numeric (numeric text converted, numbers kept)."""
    for col in columns:
        values = require_numeric(frame, col, param=param)
        if not pd.api.types.is_numeric_dtype(frame[col]):
            frame = frame.assign(**{col: values})
    return frame


def _whole(frame: pd.DataFrame, column: str, *, param: str) -> None:
    """Raise :class:`InputError` unless ``column`` holds whole numbers >= 0."""
    v = frame[column].to_numpy(dtype=float)
    bad = ~(np.isfinite(v) & (v >= 0) & (v == np.round(v)))
    if bad.any():
        example = plain(frame[column].to_numpy()[bad][0])
        raise InputError(
            f"{param}: column {column!r} must hold whole numbers >= 0; found {example!r}"
            f" ({int(bad.sum())} such row(s))"
        )


def _checked_inputs(
    trajectories: pd.DataFrame, kl: pd.DataFrame, pmass: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The three frames of :func:`kl_states` checked (see its docstring)."""
    trajectories = _numeric(trajectories, ["traj", "gen_len"], param="trajectories")
    kl = _numeric(kl, ["traj", "t", "kl"], param="kl")
    pmass = _numeric(pmass, ["traj", "t", "pmass"], param="pmass")
    _whole(trajectories, "gen_len", param="trajectories")
    _whole(kl, "t", param="kl")
    _whole(pmass, "t", param="pmass")
    dup = trajectories["traj"][trajectories["traj"].duplicated()]
    if len(dup):
        raise InputError(
            f"trajectories: column 'traj' repeats {plain(dup.iloc[0])!r}; "
            "expected one row per trajectory"
        )
    order = kl.sort_values(["traj", "t"], kind="stable")
    expected = order.groupby("traj", sort=False).cumcount().to_numpy()
    wrong = order["t"].to_numpy() != expected
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        traj, t = plain(order["traj"].to_numpy()[i]), plain(order["t"].to_numpy()[i])
        raise InputError(
            f"kl: the tokens 't' of trajectory {traj!r} must run 0, 1, 2, ... "
            f"(no gaps, no repeats); found t={t!r} where {expected[i]} was expected"
        )
    return trajectories, kl, pmass


def _groups(frame: pd.DataFrame):
    keys = frame["traj"].to_numpy()
    if not len(keys):
        return
    cut = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    bounds = np.concatenate([[0], cut, [len(keys)]])
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        yield keys[a], frame.iloc[a:b]


def _split(frame: pd.DataFrame, column: str) -> dict:
    keys = frame["traj"].to_numpy()
    values = frame[column].to_numpy(dtype=float)
    if not len(keys):
        return {}
    cut = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    starts = np.concatenate([[0], cut])
    return dict(zip(keys[starts].tolist(), np.split(values, cut), strict=True))


@takes_frames("per_traj")
def kl_alive_summary(per_traj: pd.DataFrame, *, alphas: Sequence[str]) -> pd.DataFrame:
    """``alpha, n, n_died, n_censored`` per alpha (in ``alphas`` order; 0 when absent).

    Alphas are matched by their string form, as the rest of the KL code draws
    them (``"0.5"`` matches the number 0.5). An empty ``per_traj`` gives zeros.
    No alphas, a repeated alpha (also as text: ``"1"`` and ``1``), a missing
    column, a missing (NaN/None) ``alpha``, two values of the ``alpha`` column
    with one string form and ``died``/``censored`` that are not booleans are an
    :class:`~vegafigs.InputError`.

    Parameters
    ----------
    per_traj : dataframe (any frame: see :mod:`vegafigs.frames`)
        One row per trajectory with the columns ``alpha`` (text or numbers, no
        missing values), ``died`` and ``censored`` (booleans), e.g. the
        ``per_traj`` frame of :func:`~vegafigs.transforms.kl_states`.
        Every row counts in ``n``, skipped trajectories included.
    alphas : sequence of str
        The alphas to count, in output order (non-empty, no repeats). Each is
        compared with the ``alpha`` column by its string form (``"0.5"`` and
        the number 0.5 match; ``"0.50"`` does not); an alpha without rows gets
        zeros.

    Returns
    -------
    pandas.DataFrame
        One row per alpha: ``alpha`` (as given), ``n`` (trajectories),
        ``n_died`` and ``n_censored``.

    Examples
    --------
    >>> per_traj = pd.DataFrame({"alpha": ["0.5", "0.5"], "died": [True, False],
    ...                          "censored": [False, True]})
    >>> kl_alive_summary(per_traj, alphas=["0.5", "1.0"])
      alpha  n  n_died  n_censored
    0   0.5  2       1           1
    1   1.0  0       0           0
    """
    if not isinstance(per_traj, pd.DataFrame):
        kind = type(per_traj).__name__
        raise InputError(f"per_traj: expected a pandas DataFrame, got {kind}")
    require_columns(per_traj, ["alpha", "died", "censored"], param="per_traj")
    _alpha_texts(_alpha_list(alphas))
    for col in ("died", "censored"):
        flags = per_traj[col]
        if not (pd.api.types.is_bool_dtype(flags) or flags.isin([0, 1]).all()):
            raise InputError(f"per_traj: column {col!r} must hold booleans (True/False)")
    column = as_text_levels(per_traj["alpha"], column="alpha", param="per_traj").astype(object)
    rows = []
    for alpha in alphas:
        part = per_traj[(column == text_of(alpha)).to_numpy()]
        rows.append(
            {
                "alpha": alpha,
                "n": len(part),
                "n_died": int(part["died"].sum()),
                "n_censored": int(part["censored"].sum()),
            }
        )
    return pd.DataFrame(rows, columns=["alpha", "n", "n_died", "n_censored"])


def _alpha_texts(alphas: list) -> list[str]:
    """The string form of each alpha; two alphas with one form are an :class:`InputError`."""
    seen: dict[str, object] = {}
    for a in alphas:
        key = text_of(a)
        if key in seen:
            raise InputError(f"alphas: {seen[key]!r} and {a!r} are both the alpha {key!r}")
        seen[key] = a
    return list(seen)


def _alpha_list(alphas: object) -> list:
    """``alphas`` as a list: non-empty, not a string, no repeats (else :class:`InputError`)."""
    if isinstance(alphas, (str, bytes)) or not isinstance(alphas, Sequence) or not alphas:
        raise InputError(f"alphas: expected a non-empty list of alphas, got {alphas!r}")
    items = list(alphas)
    dup = [a for i, a in enumerate(items) if a in items[:i]]
    if dup:
        raise InputError(f"alphas: {dup[0]!r} is given twice")
    return items


@takes_frames("tokens")
def kl_median(tokens: pd.DataFrame, *, window: int) -> pd.DataFrame:
    """Median over trajectories of each alpha per token ``t < window`` (NaN ignored).

    Columns ``alpha, t, median``; ``t`` runs to the last token any trajectory has
    a finite value at. A median whose every value is below 1e-6 in magnitude (an
    all-zero median) is lifted by 1e-4 so it stays visible.
    No finite value at all gives an empty frame.
    A ``window`` that is not a positive integer, non-numeric ``kl``, ``t`` that
    are not whole numbers >= 0 and a repeated ``(alpha, traj, t)`` are an
    :class:`~vegafigs.InputError`.

    Parameters
    ----------
    tokens : dataframe (any frame: see :mod:`vegafigs.frames`)
        One row per token with the columns ``alpha``, ``traj``, ``t`` and ``kl``,
        e.g. the ``tokens`` frame of :func:`~vegafigs.transforms.kl_states`. A
        trajectory that has no value at a token does not count there.
    window : int
        Tokens ``t`` below this (a positive integer) are used; later ones are
        left out.

    Returns
    -------
    pandas.DataFrame
        ``alpha, t, median``: per alpha (in order of first appearance) one row
        per token from 0 to the last one with a finite value (NaN where no
        trajectory has one).

    Examples
    --------
    >>> tokens = pd.DataFrame({"alpha": "0.5", "traj": [0, 0, 1, 1, 1],
    ...                        "t": [0, 1, 0, 1, 2], "kl": [1.0, 2.0, 3.0, 4.0, 5.0]})
    >>> kl_median(tokens, window=8)
      alpha  t  median
    0   0.5  0     2.0
    1   0.5  1     3.0
    2   0.5  2     5.0
    """
    if not isinstance(tokens, pd.DataFrame):
        raise InputError(f"tokens: expected a pandas DataFrame, got {type(tokens).__name__}")
    require_columns(tokens, ["alpha", "traj", "t", "kl"], param="tokens")
    require_positive(window, param="window", integer=True)
    tokens = _numeric(tokens, ["t", "kl"], param="tokens")
    _whole(tokens, "t", param="tokens")
    tokens = tokens.assign(t=tokens["t"].astype(np.int64))
    dup = tokens.duplicated(["alpha", "traj", "t"])
    if dup.any():
        first = tokens.loc[dup].iloc[0]
        raise InputError(
            f"tokens: (alpha, traj, t) = {tuple(plain(first[c]) for c in ('alpha', 'traj', 't'))!r}"
            " is repeated; expected one value per token"
        )
    parts = []
    for alpha in dict.fromkeys(tokens["alpha"].tolist()):
        part = tokens[(tokens["alpha"] == alpha) & (tokens["t"] < window)]
        trajs = list(dict.fromkeys(tokens.loc[tokens["alpha"] == alpha, "traj"].tolist()))
        mat = np.full((len(trajs), window), np.nan)
        row = pd.Index(trajs).get_indexer(part["traj"])
        mat[row, part["t"].to_numpy()] = part["kl"].to_numpy(float)
        finite_cols = np.flatnonzero(np.isfinite(mat).any(axis=0))
        if not finite_cols.size:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            med = np.nanmedian(mat[:, : finite_cols[-1] + 1], axis=0)
        if np.nanmax(np.abs(med)) < 1e-6:
            med = med + 1e-4
        parts.append(pd.DataFrame({"alpha": alpha, "t": np.arange(len(med)), "median": med}))
    if not parts:
        return pd.DataFrame({"alpha": [], "t": [], "median": []})
    return pd.concat(parts, ignore_index=True)


def kl_ymax(values: Sequence[float] | np.ndarray, *, factor: float = 1.4) -> float:
    """``factor`` x the 99th percentile of the finite values >= 0 (at least 1e-3; 1.1 if none)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v >= 0.0)]
    if v.size == 0:
        return 1.1
    return float(max(1e-3, np.nanpercentile(v, 99) * factor))


def panel_xmax(max_len: int, window: int) -> float:
    """Right end of a panel's x axis: 5% past the longest trajectory, within [20, window]."""
    if max_len <= 0:
        return float(window)
    return float(min(window, max(20, int(max_len * 1.05))))
