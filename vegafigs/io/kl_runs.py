"""Load steering run folders (per-token KL + pmass at fork points) into tidy frames.

Layout read (one folder per cell, sorted by name; names starting with ``_`` ignored)::

    ROOT/<cell>/calib.json        must exist
    ROOT/<cell>/trajectory.json   {"per_prompt_per_t_kl": {"<alpha>": [[kl per token], ...]}}
    ROOT/<cell>/pmass.json        {"computed": true, "fork_points": [t, ...],
                                   "pmass_eval": {"<alpha>": [[pmass per fork], ...]},
                                   "gen_lens_eval": {"<alpha>": [generated length, ...]}}

A cell missing a file or with ``computed: false`` is skipped with one warning line;
a cell lacking an alpha contributes nothing to that alpha.
"""

from __future__ import annotations

import json
import math
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vegafigs.errors import InputError, LoadError

CELL_FILES = ("calib.json", "trajectory.json", "pmass.json")


@dataclass(frozen=True)
class KLRuns:
    """Tidy frames of loaded trajectories.

    Made by :func:`~vegafigs.io.load_kl_runs`; the input of
    :func:`vegafigs.transforms.kl_states`.

    Parameters
    ----------
    trajectories : pandas.DataFrame
        One row per trajectory: ``traj`` (0..n-1), ``alpha`` (the alpha as text),
        ``cell`` (its folder name), ``prompt`` (index in the cell),
        ``gen_len`` (generated length) and ``n_kl`` (KL values stored).
    kl : pandas.DataFrame
        One row per token: ``traj``, ``t`` (0, 1, 2, ...), ``kl`` (NaN where the
        file has ``null``).
    pmass : pandas.DataFrame
        One row per fork point: ``traj``, ``fork`` (its index), ``t`` (its token)
        and ``pmass``.
    alphas : tuple of str
        The alpha keys loaded, in the order asked for (the panel order).
    model_contains : str, optional
        The cell-name filter used (default ``""``: every cell).

    Examples
    --------
    >>> import pandas as pd
    >>> runs = KLRuns(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), ("0.5",))
    >>> runs.alphas, runs.model_contains
    (('0.5',), '')
    """

    trajectories: pd.DataFrame
    kl: pd.DataFrame
    pmass: pd.DataFrame
    alphas: tuple[str, ...]
    model_contains: str = ""


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LoadError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise LoadError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise LoadError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc


def _mapping(obj: Any, key: str, path: Path) -> dict:
    if not isinstance(obj, dict):
        raise LoadError(f"{path}: expected a JSON object, got {type(obj).__name__}")
    value = obj.get(key, {})
    if not isinstance(value, dict):
        raise LoadError(f"{path}: {key!r} must be an object keyed by alpha, got {value!r:.60}")
    return value


def _alpha_key(alpha: str | float, keys: Sequence[str]) -> str | None:
    """The key of ``alpha``: text matches exactly; a number matches a key of equal value."""
    if isinstance(alpha, str):
        return alpha if alpha in keys else None
    for k in keys:
        try:
            if math.isclose(float(k), float(alpha), rel_tol=0, abs_tol=1e-12):
                return k
        except ValueError:
            continue
    return None


def _numbers(values: Any, what: str, path: Path) -> np.ndarray:
    """A list of numbers (JSON null -> NaN) as a float array, or a LoadError naming ``what``."""
    if not isinstance(values, list):
        raise LoadError(f"{path}: {what} must be a list of numbers, got {type(values).__name__}")
    odd = [v for v in values if isinstance(v, (bool, list, dict, str))]
    if odd:
        raise LoadError(f"{path}: {what} must be a list of numbers, found {odd[0]!r:.60}")
    try:
        return np.array([np.nan if v is None else v for v in values], dtype=float)
    except (TypeError, ValueError) as exc:
        raise LoadError(f"{path}: {what} must be a list of numbers ({exc})") from exc


def _cell_trajectories(
    cell: Path, traj_doc: Any, pm_doc: Any, alpha: str | float, metric: str
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, int]]:
    """``[(kl, pmass per fork, fork points, gen_len), ...]`` of one cell and alpha."""
    traj_p, pm_p = cell / "trajectory.json", cell / "pmass.json"
    kl_map = _mapping(traj_doc, "per_prompt_per_t_kl", traj_p)
    pm_map = _mapping(pm_doc, metric, pm_p)
    gl_map = _mapping(pm_doc, "gen_lens_eval", pm_p)
    kl_key, pm_key = _alpha_key(alpha, list(kl_map)), _alpha_key(alpha, list(pm_map))
    kl_lists = kl_map.get(kl_key, []) if kl_key is not None else []
    pm_lists = pm_map.get(pm_key, []) if pm_key is not None else []
    gl_key = _alpha_key(alpha, list(gl_map))
    gen_lens = gl_map.get(gl_key, []) if gl_key is not None else []
    if not kl_lists or not pm_lists:
        return []
    for lists, name, path in (
        (kl_lists, "per_prompt_per_t_kl", traj_p),
        (pm_lists, metric, pm_p),
        (gen_lens, "gen_lens_eval", pm_p),
    ):
        if not isinstance(lists, list):
            raise LoadError(f"{path}: {name}[{alpha!r}] must be a list (one entry per prompt)")
    if len(kl_lists) != len(pm_lists) or (gen_lens and len(gen_lens) != len(kl_lists)):
        raise LoadError(
            f"cell {cell.name!r}, alpha {alpha!r}: per-prompt lists differ in length "
            f"(per_prompt_per_t_kl: {len(kl_lists)}, {metric}: {len(pm_lists)}, "
            f"gen_lens_eval: {len(gen_lens)})"
        )
    fork = _numbers(pm_doc.get("fork_points"), "fork_points", pm_p)
    if (
        np.any(~np.isfinite(fork))
        or np.any(fork != np.round(fork))
        or np.any(fork < 0)
        or np.any(np.diff(fork) < 0)
    ):
        raise LoadError(f"{pm_p}: fork_points must be token indices (>= 0) sorted ascending")
    out = []
    for i, (kl, pmv) in enumerate(zip(kl_lists, pm_lists, strict=True)):
        kl_arr = _numbers(kl, f"per_prompt_per_t_kl[{alpha!r}][{i}]", traj_p)
        pm_arr = _numbers(pmv, f"{metric}[{alpha!r}][{i}]", pm_p)
        if len(pm_arr) != len(fork):
            raise LoadError(
                f"cell {cell.name!r}, alpha {alpha!r}: prompt {i} has {len(pm_arr)} {metric} "
                f"values for {len(fork)} fork_points"
            )
        if gen_lens:
            gl = gen_lens[i]
            if (
                isinstance(gl, bool)
                or not isinstance(gl, (int, float))
                or not 0 <= gl < float("inf")
                or gl != int(gl)
            ):
                raise LoadError(
                    f"{pm_p}: gen_lens_eval[{alpha!r}][{i}] must be a whole length >= 0, got {gl!r}"
                )
            gen_len = int(gl)
        else:
            gen_len = len(kl_arr)
        out.append((kl_arr, pm_arr, fork, gen_len))
    return out


def _cells(root: Path, model_contains: str) -> list[Path]:
    if not root.is_dir():
        raise LoadError(f"runs root {str(root)!r}: not a folder")
    try:
        entries = sorted(root.iterdir())
    except OSError as exc:
        raise LoadError(f"runs root {str(root)!r}: cannot list ({exc.strerror})") from exc
    return [
        d for d in entries if d.is_dir() and not d.name.startswith("_") and model_contains in d.name
    ]


def load_kl_runs(
    root: str | os.PathLike[str],
    *,
    alphas: Sequence[str | float],
    model_contains: str,
    metric: str = "pmass_eval",
) -> KLRuns:
    """Read every cell folder under ``root`` whose name contains ``model_contains``.

    Each file is read once (the folder layout is in the module doc). A ``root``
    that is not a folder, unreadable or malformed JSON, non-numbers in the lists
    and lists of different lengths raise :class:`~vegafigs.LoadError` naming the
    root, the file or the cell and alpha; a cell missing a file (or with
    ``computed: false``) is skipped with a warning; no trajectory at all is a
    ``LoadError``. JSON ``null`` KL or pmass values are read as NaN. No alphas, a
    repeated alpha and a non-string ``model_contains`` or ``metric`` are an
    :class:`~vegafigs.InputError`.

    Parameters
    ----------
    root : str or os.PathLike
        The folder holding one folder per cell (sorted by name; names starting
        with ``_`` are ignored).
    alphas : sequence of str or float
        The alphas to load, in panel order (non-empty, no repeats). Alphas are
        the JSON keys (``"0.25"``); a number matches the key of equal value. A
        cell lacking an alpha contributes nothing to it.
    model_contains : str
        Only cells whose folder name contains this text are read (``""``: all).
    metric : str, optional
        The key of ``pmass.json`` holding the pmass per fork point of each
        prompt (default ``"pmass_eval"``).

    Returns
    -------
    KLRuns
        The trajectories of every alpha (in ``alphas`` order, then cell and
        prompt order) with their KL and pmass; its ``alphas`` and ``alpha``
        column hold each alpha as given, as text (``str(alpha)``).

    Examples
    --------
    >>> from vegafigs import demo
    >>> root = demo.kl_runs("runs", n_cells=2, prompts_per_cell=3)
    >>> runs = load_kl_runs(root, alphas=["0.5", "1.0"], model_contains=demo.KL_MODEL)
    >>> runs.trajectories.groupby("alpha").size()
    alpha
    0.5    6
    1.0    6
    dtype: int64
    """
    keys = _check_kl_args(root, alphas, model_contains, metric)
    root = Path(root)
    cells = _cells(root, model_contains)
    if not cells:
        raise LoadError(
            f"runs root {str(root)!r}: no cell folder whose name contains {model_contains!r}"
        )
    loaded = _read_cells(cells)

    meta: list[tuple[str, str, int, int, int]] = []
    kl_parts: list[np.ndarray] = []
    pm_parts: list[tuple[np.ndarray, np.ndarray]] = []
    for alpha, key in zip(alphas, keys, strict=True):
        for cell, traj_doc, pm_doc in loaded:
            for prompt, (kl_arr, pmv, fork, gl) in enumerate(
                _cell_trajectories(cell, traj_doc, pm_doc, alpha, metric)
            ):
                meta.append((key, cell.name, prompt, gl, len(kl_arr)))
                kl_parts.append(kl_arr)
                pm_parts.append((fork, pmv))
    if not meta:
        raise LoadError(
            f"runs root {str(root)!r}: no trajectories for alphas {keys} in "
            f"{len(cells)} cell(s) matching {model_contains!r} ({len(loaded)} readable; "
            f"pmass key {metric!r})"
        )
    trajectories, kl, pmass = _frames(meta, kl_parts, pm_parts)
    return KLRuns(trajectories, kl, pmass, tuple(keys), model_contains)


def _check_kl_args(
    root: object, alphas: object, model_contains: object, metric: object
) -> list[str]:
    """The alpha keys of :func:`load_kl_runs`, after checking its arguments."""
    if isinstance(alphas, (str, bytes)) or not isinstance(alphas, Sequence) or not alphas:
        raise InputError(f"alphas: expected a non-empty list of alpha keys, got {alphas!r}")
    keys = [str(a) for a in alphas]
    dup = [k for i, k in enumerate(keys) if k in keys[:i]]
    if dup:
        raise InputError(f"alphas: {dup[0]!r} is given twice")
    for name, value in (("model_contains", model_contains), ("metric", metric)):
        if not isinstance(value, str):
            raise InputError(f"{name}: expected a string, got {value!r}")
    if not isinstance(root, (str, os.PathLike)):
        raise InputError(f"root: expected a folder path, got {root!r}")
    return keys


def _read_cells(cells: list[Path]) -> list[tuple[Path, Any, Any]]:
    """``(cell, trajectory.json, pmass.json)`` of each complete cell (others warn)."""
    loaded: list[tuple[Path, Any, Any]] = []
    for cell in cells:
        missing = [f for f in CELL_FILES if not (cell / f).exists()]
        if missing:
            # stacklevel 3: the warning points at load_kl_runs' caller
            warnings.warn(
                f"cell {cell.name!r}: skipped, missing {', '.join(missing)}", stacklevel=3
            )
            continue
        traj_doc = _read_json(cell / "trajectory.json")
        pm_doc = _read_json(cell / "pmass.json")
        if not isinstance(pm_doc, dict):
            raise LoadError(f"{cell / 'pmass.json'}: expected a JSON object")
        if not pm_doc.get("computed", True):
            warnings.warn(f"cell {cell.name!r}: skipped, pmass not computed", stacklevel=3)
            continue
        loaded.append((cell, traj_doc, pm_doc))
    return loaded


def _frames(
    meta: list[tuple[str, str, int, int, int]],
    kl_parts: list[np.ndarray],
    pm_parts: list[tuple[np.ndarray, np.ndarray]],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The ``trajectories``, ``kl`` and ``pmass`` frames of :class:`KLRuns`."""
    n = len(meta)
    trajectories = pd.DataFrame(meta, columns=["alpha", "cell", "prompt", "gen_len", "n_kl"])
    trajectories.insert(0, "traj", np.arange(n))
    kl_len = np.array([len(k) for k in kl_parts], dtype=int)
    kl = pd.DataFrame(
        {
            "traj": np.repeat(np.arange(n), kl_len),
            "t": np.concatenate([np.arange(m) for m in kl_len]) if n else [],
            "kl": np.concatenate(kl_parts),
        }
    )
    pm_len = np.array([len(p) for _, p in pm_parts], dtype=int)
    pmass = pd.DataFrame(
        {
            "traj": np.repeat(np.arange(n), pm_len),
            "fork": np.concatenate([np.arange(m) for m in pm_len]),
            "t": np.concatenate([f for f, _ in pm_parts]).astype(int),
            "pmass": np.concatenate([p for _, p in pm_parts]),
        }
    )
    return trajectories, kl, pmass
