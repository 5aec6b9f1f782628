"""Console text logs: verl's ``step:N - key:value - ...`` lines (stdout captured by ``tee``).

verl's console logger prints one line per training step, ``step:12 -
actor/pg_loss:0.010 - critic/score/mean:0.300 - ...``; Ray prefixes the lines of
its workers (``(TaskRunner pid=123) ``), colours them with ANSI codes, and tqdm
progress bars (``\\r``-refreshed) share the same stream. Other line-structured
``key: value`` / ``key=value`` logs (pairs separated by `` - ``, ``,``, ``|``,
``;`` or spaces) load the same way when each line holds its step.

The file is read in bounded chunks, split on ``\\n`` and ``\\r``, and each piece
is matched with compiled regular expressions (never ``eval``): a 100 MB log is
never held in memory as one string.
"""

from __future__ import annotations

import math
import os
import re
import stat
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from vegafigs.errors import LoadError
from vegafigs.io._common import STEP_NAMES, finish, open_check, where

#: Bytes read at a time; a piece longer than ``_MAX_PIECE`` (16 MB) without a line
#: break is cut there.
_CHUNK = 1 << 20
_MAX_PIECE = 16 << 20
#: Steps are kept exactly up to 2**53 (the loaders' frames go through float).
_MAX_STEP = 2**53

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]")
#: A tqdm bar: ``desc:  12%|█▏   | 12/100 [00:01<00:10, 1.2it/s, loss=0.1]``.
_TQDM = re.compile(
    r"\d{1,3}%\|[^|]*\|\s*[\d.]+[kMGT]?(?:/[\d.]+[kMGT]?)?"
    r"(?:\s*\[[^\]]*\])?"
)
#: Ray's prefix of a worker's lines: ``(TaskRunner pid=123)``, ``(WorkerDict pid=1, ip=10.0.0.1)``.
_RAY = re.compile(r"^\s*\((?:[\w.:\-]+ )?pid=\d+(?:, ip=[^)]*)?\)\s*")
#: Ray's log deduplication suffix.
_REPEATED = re.compile(r"\s*\[repeated \d+x across cluster\].*$")
_NUM = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf(?:inity)?)"
_KEY = r"[A-Za-z_][\w./@%+\-\[\]]*"
_VAL = (
    r"(?:(?:np|numpy|torch)\.\w+\([^()]*\)|tensor\([^()]*(?:\([^()]*\)[^()]*)*\)"
    r"|'[^']*'|\"[^\"]*\"|[^\s,|;}\]:]+)"
)
_PAIR_SRC = rf"(?<![\w./@%+\-\[\]'\"])['\"]?{_KEY}['\"]?[ \t]*[:=][ \t]*{_VAL}"
#: What may stand between two pairs of one line.
_GAP_SRC = r"[ \t]*(?:[-,|;][ \t]*)?"
#: A run of ``key:value`` / ``key: value`` / ``key=value`` pairs (keys optionally quoted).
_RUN = re.compile(rf"{_PAIR_SRC}(?:{_GAP_SRC}{_PAIR_SRC})*")
#: One pair of a run.
_PAIR = re.compile(rf"['\"]?({_KEY})['\"]?[ \t]*[:=][ \t]*({_VAL})")
_WRAPPED = re.compile(
    rf"^(?:(?:np|numpy|torch)\.\w+|tensor)\(\s*(?P<num>{_NUM})\s*(?:,.*)?\)$", re.I
)
_NUMBER = re.compile(rf"^(?:{_NUM})$", re.I)
_BOOLS = {"True": 1.0, "False": 0.0, "true": 1.0, "false": 0.0}


def load_console(
    path: str | os.PathLike[str], *, run: str | None = None, step: str | None = None
) -> pd.DataFrame:
    """A console log (verl ``step:N - key:value - ...`` lines) -> tidy ``run, step, metric, value``.

    Every line (or ``\\r``-separated piece of one) holding the step key gives one
    row per numeric key. Ray prefixes, ANSI colours, tqdm bars, warnings and
    tracebacks are skipped; ``np.float64(0.1)`` / ``tensor(0.5)`` wrappers are
    unwrapped; ``True`` / ``False`` are 1 / 0; ``nan`` is "not logged" (dropped),
    ``inf`` kept. A pair cut by the end of the file, or followed by unrelated
    text, is dropped (the complete pairs before it are kept). Keys whose values
    are all text are skipped. Repeated steps (a restarted run) are kept.
    A key given twice on one line, a key both numeric and text, a step beyond
    2**53, or a file without step lines raise :class:`~vegafigs.LoadError`
    naming the file and line.

    Parameters
    ----------
    path : str or os.PathLike
        The text log (``output.log``, ``train.log``, stdout captured by ``tee``);
        a regular file, read in bounded chunks.
    run : str, optional
        The run name of every row (default ``None``: the file stem).
    step : str, optional
        The key holding each line's step (default ``None``: ``step``, else the
        first of ``global_step``, ``_step``, ``Step``, ``iteration``, ``iter``,
        ``epoch``, ``timestep`` found); e.g. ``"training/global_step"``.
        Recorded in ``df.attrs["x"]``.

    Returns
    -------
    pandas.DataFrame
        The tidy frame ``run, step, metric, value``, sorted by run, metric, step;
        ``df.attrs["x"]`` is the step key used.

    Examples
    --------
    >>> from pathlib import Path
    >>> _ = Path("output.log").write_text(
    ...     "(TaskRunner pid=7) step:1 - actor/pg_loss:np.float64(0.5) - score:0.1\\n"
    ...     "Training Progress:  50%|#####     | 1/2 [00:01<00:01]\\n"
    ...     "(TaskRunner pid=7) step:2 - actor/pg_loss:0.25 - score:0.3 - val/acc:0.9\\n")
    >>> df = load_console("output.log")
    >>> df
          run  step         metric  value
    0  output     1  actor/pg_loss   0.50
    1  output     2  actor/pg_loss   0.25
    2  output     1          score   0.10
    3  output     2          score   0.30
    4  output     2        val/acc   0.90
    >>> df.attrs["x"]
    'step'
    """
    p = open_check(path)
    if not stat.S_ISREG(p.stat().st_mode):
        raise LoadError(f"log {where(p)}: not a regular file (a FIFO, socket or device?)")
    name = run if run is not None else p.stem
    parsed = _Parsed(candidates=(step,) if step is not None else STEP_NAMES)
    try:
        with open(p, "rb") as fh:
            for lineno, piece, ended in _pieces(fh):
                parsed.add(lineno, piece, ended)
    except OSError as exc:
        raise LoadError(f"log {where(p)}: cannot read ({exc.strerror})") from exc
    except LoadError as exc:
        raise LoadError(f"log {where(p)}: {exc}") from None
    key = parsed.step_key()
    if key is None:
        raise LoadError(_no_steps_message(p, parsed, step))
    df = parsed.frame(key, run=name, path=p)
    df.attrs["x"] = key
    return df


def _pieces(fh: BinaryIO) -> Iterator[tuple[int, str, bool]]:
    """``(line number, text, ended by a line break)`` for each ``\\n``/``\\r``-separated piece."""
    lineno = 1
    pending = b""
    while True:
        chunk = fh.read(_CHUNK)
        if not chunk:
            break
        parts = re.split(rb"(\r\n|\n|\r)", pending + chunk)
        pending = parts.pop()
        for i in range(0, len(parts), 2):
            yield lineno, parts[i].decode("utf-8", "replace"), True
            if parts[i + 1] != b"\r":
                lineno += 1
        if len(pending) > _MAX_PIECE:
            yield lineno, pending.decode("utf-8", "replace"), False
            pending = b""
    if pending:
        yield lineno, pending.decode("utf-8", "replace"), False


def clean(text: str) -> list[str]:
    """``text`` without ANSI codes, Ray prefixes and suffixes, split at tqdm bars.

    ``text`` is one line (or ``\\r``-separated piece) of a console log.

    >>> clean("\\x1b[36m(TaskRunner pid=1)\\x1b[0m step:1 - a:0.5")
    ['step:1 - a:0.5']
    >>> clean("Training Progress:  50%|#####     | 1/2 [00:01<00:01, 1.0it/s]step:1 - a:0.5")
    ['Training Progress:', 'step:1 - a:0.5']
    """
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    if "[repeated" in text:
        text = _REPEATED.sub("", text)
    text = _RAY.sub("", text)
    parts = _TQDM.split(text) if "%|" in text else [text]
    return [s for s in (part.strip() for part in parts) if s]


def pairs(
    text: str, *, ended: bool = True, keys: tuple[str, ...] = ("step",)
) -> list[tuple[str, str]]:
    """The ``(key, value text)`` pairs of one cleaned line: its run of pairs holding a key
    of ``keys`` (else its longest run), pairs separated by `` - ``, ``,``, ``|``, ``;`` or
    blanks.

    ``text`` is a line passed through :func:`clean`; ``ended`` says whether a line
    break ended it (False at the end of a cut file); ``keys`` are the step keys.
    The last pair is dropped when it may be cut: the line was not ended by a line
    break and the pair reaches its end, or its value is not a number and unrelated
    text follows it.

    >>> pairs("step:4 - loss:tensor(0.5, device='cuda:0') - acc:0.75")
    [('step', '4'), ('loss', "tensor(0.5, device='cuda:0')"), ('acc', '0.75')]
    >>> pairs("step:4 - loss:0.5 - crit")
    [('step', '4'), ('loss', '0.5')]
    >>> pairs("step:4 - loss:0.5 - acc:0.7", ended=False)
    [('step', '4'), ('loss', '0.5')]
    """
    runs = list(_RUN.finditer(text))
    if not runs:
        return []
    found = [_PAIR.findall(m.group()) for m in runs]
    with_key = [i for i, f in enumerate(found) if any(k in keys for k, _ in f)]
    best = max(with_key or range(len(runs)), key=lambda i: len(found[i]))
    out = found[best]
    rest = text[runs[best].end() :].strip(" \t-,|;")
    if (not rest and not ended) or (rest and number(out[-1][1]) is None):
        out = out[:-1]
    return out


def number(text: str) -> float | None:
    """The number the logged value ``text`` stands for, or None if it is text.

    >>> [number(t) for t in ("0.5", "np.float64(0.1)", "tensor(2)", "nan", "True", "abc")]
    [0.5, 0.1, 2.0, nan, 1.0, None]
    """
    if _NUMBER.match(text):
        return float(text)
    m = _WRAPPED.match(text)
    if m:
        return float(m.group("num"))
    return _BOOLS.get(text)


@dataclass
class _Parsed:
    """Numeric pairs of the lines read so far, column-wise (line index, key id, value)."""

    candidates: tuple[str, ...]
    keys: dict[str, int] = field(default_factory=dict)
    lines: array = field(default_factory=lambda: array("q"))
    rows: array = field(default_factory=lambda: array("q"))
    ids: array = field(default_factory=lambda: array("q"))
    values: array = field(default_factory=lambda: array("d"))
    steps: dict[str, dict[int, int | float]] = field(default_factory=dict)
    text_at: dict[str, tuple[int, str]] = field(default_factory=dict)
    _shapes: dict[tuple[str, ...], tuple[list[int], list[int], list[int]]] = field(
        default_factory=dict
    )
    first_other: tuple[int, str] | None = None
    keys_seen: dict[str, None] = field(default_factory=dict)
    tqdm_postfix: bool = False

    def add(self, lineno: int, raw: str, ended: bool) -> None:
        """Record the pairs of one piece of text (line ``lineno``)."""
        if not raw.strip():
            return
        parts = clean(raw)
        unseen = self.first_other is None
        for i, text in enumerate(parts):
            self._add_part(lineno, text, ended or i < len(parts) - 1)
        if unseen and (self.first_other is not None or not parts):
            self.first_other = (lineno, _ANSI.sub("", raw).strip())
        if "%|" in raw and "=" in raw:
            self.tqdm_postfix = True

    def _add_part(self, lineno: int, text: str, ended: bool) -> None:
        found = (
            pairs(text, ended=ended, keys=self.candidates) if (":" in text or "=" in text) else []
        )
        keys = tuple(k for k, _ in found)
        shape = self._shapes.get(keys)
        if shape is None:
            shape = self._shapes[keys] = self._shape(keys)
        vals = [v for _, v in found]
        steps = {}
        for i in shape[0]:
            x = number(vals[i])
            if x is None:
                if any(number(v) is not None for v in vals):
                    # "step:abc - loss:0.5": a step line whose step is not a number.
                    raise LoadError(
                        f"line {lineno}: expected a step number, got {_short(vals[i], 40)!r}"
                    )
                continue
            steps[keys[i]] = _step_value(vals[i], x, lineno=lineno, key=keys[i])
        if not steps:
            if self.first_other is None:
                self.first_other = (lineno, text)
            for k in keys[:20]:
                self.keys_seen.setdefault(k)
            return
        if len(set(keys)) < len(keys):
            dup = next(k for k in keys if keys.count(k) > 1)
            raise LoadError(f"line {lineno}: key {dup!r} given twice on one line")
        row = len(self.lines)
        self.lines.append(lineno)
        for k, s in steps.items():
            self.steps.setdefault(k, {})[row] = s
        texts = [vals[i] for i in shape[1]]
        try:
            values = list(map(float, texts))
            ids = shape[2]
        except ValueError:
            ids, values = self._slow(lineno, [keys[i] for i in shape[1]], texts)
        self.rows.extend([row] * len(ids))
        self.ids.extend(ids)
        self.values.extend(values)

    def _shape(self, keys: tuple[str, ...]) -> tuple[list[int], list[int], list[int]]:
        """Positions of the step candidates and of the metrics in ``keys``, metric ids."""
        steps = [i for i, k in enumerate(keys) if k in self.candidates]
        metrics = [i for i, k in enumerate(keys) if k not in self.candidates]
        return steps, metrics, [self._id(keys[i]) for i in metrics]

    def _id(self, key: str) -> int:
        kid = self.keys.get(key)
        if kid is None:
            kid = self.keys[key] = len(self.keys)
        return kid

    def _slow(
        self, lineno: int, keys: list[str], texts: list[str]
    ) -> tuple[list[int], list[float]]:
        """Metric ids and values of one line with wrapped / boolean / text values."""
        ids, values = [], []
        for key, val in zip(keys, texts, strict=True):
            x = number(val)
            if x is None:
                self.text_at.setdefault(key, (lineno, val))
                continue
            ids.append(self._id(key))
            values.append(x)
        return ids, values

    def step_key(self) -> str | None:
        """The first candidate step key found on some line."""
        return next((c for c in self.candidates if c in self.steps), None)

    def frame(self, key: str, *, run: str, path: Path) -> pd.DataFrame:
        """The tidy frame of the lines holding ``key``; other candidates become metrics."""
        for other in self.candidates:
            if other != key and other in self.steps:
                for row, x in self.steps[other].items():
                    self.rows.append(row)
                    self.ids.append(self.keys.setdefault(other, len(self.keys)))
                    self.values.append(float(x))
        used = (
            set(np.unique(np.frombuffer(self.ids, dtype=np.int64)).tolist()) if self.ids else set()
        )
        for k, (lineno, val) in self.text_at.items():
            if self.keys.get(k) in used:
                first = self.lines[self.rows[list(self.ids).index(self.keys[k])]]
                raise LoadError(
                    f"log {where(path)}: line {lineno}, key {k!r}: expected a number "
                    f"(as on line {first}), got {_short(val, 40)!r}"
                )
        by_row = self.steps[key]
        rows = np.frombuffer(self.rows, dtype=np.int64) if len(self.rows) else np.zeros(0, int)
        dtype = np.float64 if _any_float(by_row) else np.int64
        at = np.fromiter(by_row.keys(), dtype=np.int64, count=len(by_row))
        row_step = np.zeros(len(self.lines), dtype=dtype)
        row_step[at] = np.fromiter(by_row.values(), dtype=dtype, count=len(by_row))
        row_has = np.zeros(len(self.lines), dtype=bool)
        row_has[at] = True
        has = row_has[rows]
        steps = row_step[rows[has]]
        names = np.array(list(self.keys), dtype=object)
        ids = np.frombuffer(self.ids, dtype=np.int64) if len(self.ids) else np.zeros(0, int)
        values = np.frombuffer(self.values, dtype=float) if len(self.values) else np.zeros(0)
        df = pd.DataFrame(
            {
                "run": run,
                "step": steps,
                "metric": names[ids[has]] if len(names) else np.zeros(0, dtype=object),
                "value": values[has],
            }
        )
        if df.empty:
            raise LoadError(
                f"log {where(path)}: lines with key {key!r} hold no numeric values besides it"
            )
        return finish(df, path=path)


def _any_float(steps: dict[int, int | float]) -> bool:
    return any(isinstance(s, float) for s in steps.values())


def _step_value(val: str, x: float | None, *, lineno: int, key: str) -> int | float:
    """A line's step: an integer (at most 2**53 in size) or a finite number."""
    if x is None or isinstance(_BOOLS.get(val), float) or not math.isfinite(x):
        raise LoadError(f"line {lineno}, key {key!r}: expected a step number, got {val!r}")
    text = _WRAPPED.match(val)
    digits = text.group("num") if text else val
    if re.fullmatch(r"[-+]?\d+", digits):
        n = int(digits)
        if abs(n) > _MAX_STEP:
            raise LoadError(
                f"line {lineno}, key {key!r}: step {n} is beyond 2**53 (not stored exactly)"
            )
        return n
    return x


def _short(text: str, n: int = 80) -> str:
    return text if len(text) <= n else text[: n - 3] + "..."


def _no_steps_message(p: Path, parsed: _Parsed, step: str | None) -> str:
    """The :class:`LoadError` text for a file without step lines."""
    key = step or "step"
    msg = (
        f"log {where(p)}: no step lines; expected lines like "
        f"'{key}:12 - actor/pg_loss:0.01 - critic/score/mean:0.3' (verl's console logger; "
        f"pairs 'key:value' or 'key=value', one line per step holding the key {key!r})"
    )
    if parsed.tqdm_postfix:
        msg += (
            "; tqdm progress-bar postfixes ('| 12/100 [..., loss=0.1]') are not read: "
            "the bar's counter is not the logged step"
        )
    if parsed.keys_seen:
        shown = ", ".join(list(parsed.keys_seen)[:8])
        msg += f"; keys seen: {shown} (pass step=KEY / --x KEY to name the step key)"
    if parsed.first_other is None:
        return msg + "; the file holds no text"
    lineno, text = parsed.first_other
    return msg + f"; line {lineno}: {_short(text)!r}"
