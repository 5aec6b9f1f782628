"""Where a single-view figure's plot ends up once laid out (private).

Some layers depend on the plot's final size in px (value labels lifted clear of
a trend line). A figure is laid out by vl-convert (its scenegraph) at its final
size and the view's width and height read back.
"""

from __future__ import annotations

from vegafigs.errors import InputError
from vegafigs.figure import Figure


def plot_size(fig: Figure) -> tuple[float, float]:
    """The (width, height) in px of ``fig``'s plot (its single view) at the figure's size."""
    import vl_convert as vlc

    from vegafigs.themes import fonts

    fonts.ensure_registered()
    spec = fig.to_dict(validate=False)
    try:
        scene = vlc.vegalite_to_scenegraph(spec, allowed_base_urls=[])
    except Exception as exc:  # vl-convert raises plain errors with the JS message
        raise InputError(f"figure: vl-convert could not lay out the figure ({exc})") from exc
    (root,) = scene["scenegraph"]["items"]
    return float(root.get("width", 0.0)), float(root.get("height", 0.0))
