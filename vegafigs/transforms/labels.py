"""Label placement: how far above a point its value label must sit to clear a line."""

from __future__ import annotations

import numpy as np
import pandas as pd

from vegafigs._checks import require_columns, require_frame, require_numeric
from vegafigs._params import FORMAT, NONNEGATIVE, POSITIVE, TEXT, checked
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

    Rows are the line's points in drawing order, ``step_px`` apart horizontally;
    ``px_per_unit`` converts ``y`` to px. A label (the value in ``label_format``,
    measured in the bundled ``font`` at ``font_size`` pt) is centred above its
    point; where the line rises towards a neighbour, the label's bottom corner
    on that side must clear it by ``gap`` px, so the lift is ``half label width
    × slope + gap`` (at least ``min_offset``). A NaN/±inf value gets
    ``min_offset`` and lifts no neighbour (no warning: nothing is dropped);
    non-numeric ``y`` and bad parameters are an :class:`~vegafigs.InputError`.

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
