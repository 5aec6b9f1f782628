"""Label placement: how far above a point its value label must sit to clear a line."""

from __future__ import annotations

import numpy as np
import pandas as pd

from vegafigs._checks import require_columns, require_frame, require_numeric
from vegafigs._params import FORMAT, NONNEGATIVE, POSITIVE, TEXT, checked
from vegafigs.frames import takes_frames
from vegafigs.themes.fonts import TIMES, text_width


@checked(
    step_px=POSITIVE,
    px_per_unit=POSITIVE,
    label_format=FORMAT,
    font=TEXT,
    font_size=POSITIVE,
    min_offset=NONNEGATIVE,
    gap=NONNEGATIVE,
    column=TEXT,
)
@takes_frames("df")
def label_offsets(
    df: pd.DataFrame,
    *,
    y: str,
    step_px: float,
    px_per_unit: float,
    label_format: str = ".2f",
    font: str = TIMES,
    font_size: float = 7,
    min_offset: float = 8.0,
    gap: float = 2.0,
    column: str = "label_offset",
) -> pd.DataFrame:
    """``df`` plus ``column``: px to lift each value label so it clears the line through ``y``.

    Rows are the line's points in drawing order, ``step_px`` apart horizontally.
    A label is centred above its point; where the line rises towards a
    neighbour, the label's bottom corner on that side must clear it by ``gap``
    px, so the lift is ``half label width × slope + gap`` (at least
    ``min_offset``; the half width is capped at ``step_px``). A NaN/±inf value
    gets ``min_offset`` and lifts no neighbour (no warning: nothing is dropped);
    non-numeric ``y`` and bad parameters are an :class:`~vegafigs.InputError`.

    Parameters
    ----------
    df : dataframe
        pandas, polars (eager or lazy), pyarrow, DuckDB, PySpark ... (see
        :mod:`vegafigs.frames`; read as pandas with the same dtypes).
        The line's points, one row each, in drawing (left to right) order; a
        copy is returned.
    y : str
        Column of the values (numeric; numeric text accepted) the line goes
        through and the labels show. See :term:`y`.
    step_px : float
        Horizontal distance between neighbouring points, in px (> 0).
    px_per_unit : float
        Vertical px per unit of ``y`` on the plot (> 0), e.g. the plot height
        divided by the y domain's span.
    label_format : str, optional
        Format of the label text, measured to get its width (default ``".2f"``);
        a d3-only format is measured as Python's ``.4g`` rendering. See
        :term:`label_format`.
    font : str, optional
        CSS font stack of the labels (default :data:`vegafigs.themes.fonts.TIMES`);
        widths are measured with the stack's bundled family.
    font_size : float, optional
        Label font size in pt (= px at 72 px per inch; > 0, default 7).
    min_offset : float, optional
        Smallest lift in px (>= 0, default 8.0), used where the line does not rise
        towards a neighbour.
    gap : float, optional
        Clearance in px (>= 0, default 2.0) between a label's bottom corner and a
        rising line.
    column : str, optional
        Name of the added column (default ``"label_offset"``); an existing column
        of that name is replaced.

    Returns
    -------
    pandas.DataFrame
        ``df`` (same rows and order) plus ``column``: the lift of each label in
        px, rounded to 0.001.

    Examples
    --------
    >>> df = pd.DataFrame({"v": [55.69, 57.74, 57.11]})
    >>> label_offsets(df, y="v", step_px=37, px_per_unit=34)["label_offset"].round(1).tolist()
    [16.8, 8.0, 8.0]
    """
    require_frame(df)
    require_columns(df, [y])
    numbers = require_numeric(df, y).to_numpy()
    values = np.where(np.isfinite(numbers), numbers, np.nan).tolist()  # inf lifts nothing
    offsets = []
    for i, v in enumerate(values):
        try:
            text = format(v, label_format)
        except ValueError:  # a d3-only format: measure a close Python rendering
            text = f"{v:.4g}"
        half = min(text_width(text, font=font, size=font_size) / 2, step_px)
        need = min_offset
        for j in (i - 1, i + 1):
            if 0 <= j < len(values):
                rise = (values[j] - v) * px_per_unit  # > 0: the line climbs towards j
                if rise > 0:
                    need = max(need, half * rise / step_px + gap)
        offsets.append(round(need, 3))
    return df.assign(**{column: offsets})
