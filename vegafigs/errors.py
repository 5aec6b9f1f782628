"""Exceptions raised by vegafigs.

Every error vegafigs raises on purpose derives from :class:`VegafigsError`, so a
caller can catch one class. The subclasses also derive from the matching builtin
(``ValueError``, ``FileNotFoundError`` ...) so generic handlers keep working.
"""

from __future__ import annotations


class VegafigsError(Exception):
    """Base class of every error raised by vegafigs."""


class InputError(VegafigsError, ValueError):
    """A frame, column or parameter does not have the expected shape or value."""


class FontError(VegafigsError, RuntimeError):
    """A font family used by a chart cannot be resolved, so its text would not render."""


class ExportError(VegafigsError, ValueError):
    """A chart cannot be written to the requested path or format."""


class LoadError(VegafigsError, ValueError):
    """A log file or run folder cannot be read."""


class SnapshotError(VegafigsError, ValueError):
    """A snapshot file or a snapshot argument is unusable (not a mismatch: that fails the test)."""
