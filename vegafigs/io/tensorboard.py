"""TensorBoard event files, read with ``tbparse`` (extra ``tensorboard``)."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pandas as pd

from vegafigs.errors import LoadError
from vegafigs.io._common import finish, open_check, where


def is_event_file(path: Path) -> bool:
    return "tfevents" in path.name


def load_tensorboard(
    path: str | os.PathLike[str], *, run: str | None = None, step: str | None = None
) -> pd.DataFrame:
    """Scalars of a TensorBoard event file or log folder -> tidy ``run, step, metric, value``.

    Each scalar tag is a metric, at its summary's step. Needs ``tbparse``
    (``pip install 'vegafigs[tensorboard]'``); without it, for a file or
    folder without scalar summaries and for a ``step`` other than ``"step"``, a
    :class:`~vegafigs.LoadError`.

    Parameters
    ----------
    path : str or os.PathLike
        An event file (``events.out.tfevents.*``) or a log folder, read
        recursively; each sub-folder holding event files is a run, named by its
        path relative to ``path`` (event files directly in ``path``: its name).
    run : str, optional
        One run name for every scalar, sub-folders included; default ``None``:
        the sub-folder names (for a single file: the name of its folder).
    step : {"step"}, optional
        The x of the scalars: TensorBoard summaries have only their ``step``
        (default ``None`` is the same); any other name (``"epoch"``, a tag) is a
        :class:`~vegafigs.LoadError` rather than ignored.

    Returns
    -------
    pandas.DataFrame
        The tidy frame ``run, step, metric, value``, sorted by run, metric, step.

    Examples
    --------
    >>> df = load_tensorboard("runs/")  # doctest: +SKIP
    """
    p = open_check(path, folder_ok=True)
    if step is not None and step != "step":
        raise LoadError(
            f"step: got {step!r}; TensorBoard scalars are indexed by their 'step' only "
            f"(log {where(p)}); pass step='step' or leave it out"
        )
    try:
        from tbparse import SummaryReader
    except ImportError as exc:
        raise LoadError(
            f"log {where(p)}: reading TensorBoard event files needs tbparse "
            "(pip install 'vegafigs[tensorboard]')"
        ) from exc
    try:
        with warnings.catch_warnings():  # tbparse's own pandas deprecation warnings
            warnings.simplefilter("ignore")
            reader = SummaryReader(str(p), pivot=False, extra_columns={"dir_name"})
            scalars = reader.scalars
    except Exception as exc:  # tbparse / protobuf raise assorted errors on bad files
        raise LoadError(f"log {where(p)}: not a readable TensorBoard event file ({exc})") from exc
    if scalars is None or scalars.empty:
        if p.is_dir() and not any(is_event_file(f) for f in p.rglob("*tfevents*")):
            raise LoadError(
                f"log {where(p)}: is a folder without TensorBoard event files (no scalar "
                "summaries); expected a log file or a TensorBoard log folder"
            )
        raise LoadError(f"log {where(p)}: no scalar summaries in the event file(s)")
    default = p.name if p.is_dir() else p.parent.name
    if run is not None:
        runs = pd.Series(run, index=scalars.index)
    elif "dir_name" in scalars.columns:
        runs = scalars["dir_name"].fillna("").astype(str).replace("", default)
    else:
        runs = pd.Series(default, index=scalars.index)
    df = pd.DataFrame(
        {
            "run": runs.to_numpy(),
            "step": scalars["step"].to_numpy(),
            "metric": scalars["tag"].astype(str).to_numpy(),
            "value": scalars["value"].astype(float).to_numpy(),
        }
    )
    return finish(df, path=p)
