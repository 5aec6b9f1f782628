"""A log's format from its content (the first 64 KB), then its name (private)."""

from __future__ import annotations

import csv
import json
import os
import re
import stat
from pathlib import Path

from vegafigs.errors import LoadError
from vegafigs.io.console import _Parsed
from vegafigs.io.wandb import is_wandb_columns

#: Format names :func:`detect_format` returns (each a ``format=`` / ``--format`` choice).
DETECTED = (
    "csv",
    "jsonl",
    "parquet",
    "trainer_state",
    "wandb",
    "tensorboard",
    "monitor",
    "sb3",
    "rllib",
    "console",
)
#: Bytes read from a file to tell its format.
HEAD = 64 * 1024
#: Entries of a folder looked at for event files before giving up.
MAX_ENTRIES = 10_000
_TEXT_SUFFIXES = {".log": "console", ".txt": "console", ".out": "console"}
_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    **_TEXT_SUFFIXES,
}
_RLLIB_KEYS = ('"training_iteration"', '"timesteps_total"')
_NUMERIC = re.compile(r"^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$|^\s*$")


def detect_format(path: str | os.PathLike[str]) -> str:
    """The format of the log ``path``: one of :data:`~vegafigs.io.FORMATS`.

    The content decides first (Parquet magic, JSON lines or one JSON document,
    SB3 Monitor comment line, console step lines, a CSV header, possibly after
    comment / preamble lines, naming W&B / SB3 / RLlib columns), the suffix
    second (``.log`` / ``.txt`` -> console, ``.csv`` -> csv, ``.jsonl`` -> jsonl).
    An empty, binary or undecidable file raises :class:`~vegafigs.LoadError`
    naming the file, what it starts with and the ``format=`` choices.

    Parameters
    ----------
    path : str or os.PathLike
        A log file or a folder (TensorBoard event files). Only regular files are
        opened, and only their first 64 KB is read; a file whose name contains
        ``tfevents`` is ``"tensorboard"`` without being read.

    Returns
    -------
    str
        The format name, a ``format=`` / ``--format`` choice of
        :func:`vegafigs.io.load`.

    Examples
    --------
    >>> from pathlib import Path
    >>> _ = Path("result.json").write_text('{"training_iteration": 1, "timesteps_total": 4000}\\n')
    >>> meta = '#{"t_start": 1.0, "env_id": "CartPole-v1"}'
    >>> _ = Path("monitor.csv").write_text(meta + "\\nr,l,t\\n9.0,9,0.1\\n")
    >>> _ = Path("train.txt").write_text("step,loss\\n0,1.0\\n1,0.5\\n")
    >>> [detect_format(f) for f in ("result.json", "monitor.csv", "train.txt")]
    ['rllib', 'monitor', 'csv']
    """
    p = Path(path)
    try:
        mode = os.stat(p).st_mode
    except OSError as exc:
        raise LoadError(f"log {str(p)!r}: cannot read ({exc.strerror})") from exc
    if stat.S_ISDIR(mode):
        return _folder(p)
    if not stat.S_ISREG(mode):
        raise LoadError(f"log {str(p)!r}: not a regular file (a FIFO, socket or device?)")
    if "tfevents" in p.name:
        return "tensorboard"
    head, whole = _head(p)
    if not head:
        raise LoadError(f"log {str(p)!r}: empty file; expected a training log")
    if head.startswith(b"PAR1"):
        return "parquet"
    text = _text(p, head, whole)
    return _from_text(p, text, whole) or _from_suffix(p, text)


def _folder(p: Path) -> str:
    """ "tensorboard" if the folder holds event files (looked for without following links)."""
    seen = 0
    for _root, dirs, files in os.walk(p, followlinks=False):
        if any("tfevents" in f for f in files):
            return "tensorboard"
        seen += len(dirs) + len(files)
        if seen > MAX_ENTRIES:
            break
    raise LoadError(
        f"log {str(p)!r}: a folder without TensorBoard event files (events.out.tfevents.*); "
        "pass the log files in it instead"
    )


def _head(p: Path) -> tuple[bytes, bool]:
    """The first :data:`HEAD` bytes of ``p`` and whether that is the whole file."""
    try:
        with open(p, "rb") as fh:
            head = fh.read(HEAD + 1)
    except OSError as exc:
        raise LoadError(f"log {str(p)!r}: cannot read ({exc.strerror})") from exc
    return head[:HEAD], len(head) <= HEAD


def _text(p: Path, head: bytes, whole: bool) -> str:
    """``head`` decoded as UTF-8 (a character cut at the 64 KB mark allowed), or LoadError."""
    if b"\x00" in head:
        _binary(p, head)
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if _suffix(p) in (".parquet", ".pq"):
            _binary(p, head)
        if whole or exc.start < len(head) - 4:
            line = head[: exc.start].count(b"\n") + 1
            raise LoadError(
                f"log {str(p)!r}: not UTF-8 text (line {line}, byte {exc.start}: "
                f"{head[exc.start : exc.start + 4]!r}); save the log as UTF-8"
            ) from None
        text = head[: exc.start].decode("utf-8")
    return text.removeprefix("\ufeff")


def _binary(p: Path, head: bytes) -> None:
    what = (
        "not a Parquet file (no 'PAR1' magic)"
        if _suffix(p) in (".parquet", ".pq")
        else ("binary data, not a text log")
    )
    raise LoadError(
        f"log {str(p)!r}: {what}; starts with {head[:16]!r}; expected one of "
        f"{', '.join(DETECTED)} (pass format= / --format)"
    )


def _suffix(p: Path) -> str:
    return p.suffix.lower()


def _lines(text: str, whole: bool) -> list[str]:
    """The complete lines of ``text`` (a line cut by the 64 KB mark kept only if it is alone)."""
    lines = [ln.removesuffix("\r") for ln in text.split("\n")]
    if lines and not lines[-1]:
        lines.pop()  # after the final line break
    elif not whole and len(lines) > 1:
        lines.pop()  # cut by the 64 KB mark
    return lines


def _from_text(p: Path, text: str, whole: bool) -> str | None:
    """The format the text content shows, or None."""
    lines = _lines(text, whole)
    first = next((ln.strip() for ln in lines if ln.strip()), "")
    if first.startswith("{"):
        return _json_kind(p, text, first, whole)
    if first.startswith("[") and _is_json(first if not whole else text):
        raise LoadError(
            f"log {str(p)!r}: a JSON array; expected JSON lines (one object per line), a "
            f"trainer_state.json object or another log; starts with {_short(first)!r}; "
            f"pass format= / --format ({', '.join(DETECTED)})"
        )
    if first.startswith("#{") and _is_monitor(lines):
        return "monitor"
    if _has_step_lines(lines, whole):
        return "console"
    header = csv_header(lines)
    if header is None:
        return None
    columns = [c.strip() for c in header[1]]
    if is_wandb_columns(columns):
        return "wandb"
    if "time/total_timesteps" in columns:
        return "sb3"
    if "training_iteration" in columns:
        return "rllib"
    return "csv"


def _json_kind(p: Path, text: str, first: str, whole: bool) -> str:
    """JSON lines (rllib / jsonl) or one JSON document (trainer_state)."""
    try:
        obj = json.loads(first)
    except (json.JSONDecodeError, RecursionError):
        obj = None
    if isinstance(obj, dict):
        if "log_history" in obj or p.name.lower() == "trainer_state.json":
            return "trainer_state"  # (the loader says what a trainer_state.json lacks)
        return "rllib" if any(k.strip('"') in obj for k in _RLLIB_KEYS) else "jsonl"
    if '"log_history"' in text:
        return "trainer_state"
    if first == text.strip() and not whole and any(k in first for k in _RLLIB_KEYS):
        return "rllib"  # one JSON line longer than 64 KB
    if whole:
        try:
            json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            raise LoadError(
                f"log {str(p)!r}: starts with '{{' but is neither JSON lines nor a JSON "
                f"document; line 1: {_short(first)!r}; expected one of {', '.join(DETECTED)} "
                "(pass format= / --format)"
            ) from None
    raise LoadError(
        f"log {str(p)!r}: a JSON document without 'log_history' (not a trainer_state.json) "
        f"and not JSON lines; starts with {_short(first)!r}; pass format= / --format "
        f"({', '.join(DETECTED)})"
    )


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return False
    return True


def _is_monitor(lines: list[str]) -> bool:
    """SB3 Monitor: ``#{json}`` on line 1, then a header starting ``r,l,t``."""
    try:
        meta = json.loads(lines[0].strip()[1:])
    except (json.JSONDecodeError, RecursionError, IndexError):
        return False
    rest = [ln.strip() for ln in lines[1:] if ln.strip()]
    return isinstance(meta, dict) and bool(rest) and rest[0].replace(" ", "").startswith("r,l,t")


def _has_step_lines(lines: list[str], whole: bool) -> bool:
    """Whether some line is a console step line (``step:N - key:value ...``, or ``global_step``)."""
    parsed = _Parsed(candidates=("step", "global_step"))
    for i, line in enumerate(lines[:2000], start=1):
        if "step" in line and (":" in line or "=" in line):
            try:
                parsed.add(i, line, True)
            except LoadError:
                return True
            if parsed.steps and len(parsed.values):
                return True
    return False


def csv_header(lines: list[str]) -> tuple[int, list[str]] | None:
    """``(index, fields)`` of the CSV header among ``lines``: after ``#`` comment / preamble lines,
    the first line of 2+ non-numeric fields whose next lines have as many fields and
    some numbers (a header-only file: its first 2+ field line). None if not CSV-shaped.

    >>> csv_header(["# seed 3", "Experiment: ppo, CartPole", "step,loss", "0,1.0", "1,0.5"])
    (2, ['step', 'loss'])
    """
    rows = []
    for i, line in enumerate(lines[:200]):
        if line.strip() and not line.lstrip().startswith("#"):
            try:
                fields = next(csv.reader([line]))
            except csv.Error:  # a stray "\r" (tqdm) or other non-CSV text
                fields = []
            rows.append((i, fields))
    for j, (i, fields) in enumerate(rows[:50]):
        if len(fields) < 2 or any(_NUMERIC.match(f) for f in fields):
            continue
        data = rows[j + 1 : j + 4]
        if not data and j == len(rows) - 1 and j <= 1:
            return i, fields
        if data and all(
            len(f) == len(fields) and any(_NUMERIC.match(x) and x.strip() for x in f)
            for _, f in data
        ):
            return i, fields
    return None


def csv_header_line(path: str | os.PathLike[str]) -> int:
    """How many lines (comments, preamble) come before the CSV header of ``path``
    (``pandas.read_csv(..., skiprows=n)``); 0 when the header is not found in the
    first 64 KB.

    Parameters
    ----------
    path
        A CSV log (a regular file; only its first 64 KB is read).

    >>> from pathlib import Path
    >>> _ = Path("eval.csv").write_text("# eval.py, seed 3\\nstep,return\\n0,9.0\\n")
    >>> csv_header_line("eval.csv")
    1
    """
    p = Path(path)
    head, whole = _head(p)
    text = head.decode("utf-8", "replace").removeprefix("\ufeff")
    found = csv_header(_lines(text, whole))
    return found[0] if found else 0


def _from_suffix(p: Path, text: str) -> str:
    """The format a text file's suffix names, or LoadError."""
    fmt = _SUFFIXES.get(_suffix(p))
    if fmt is not None:
        return fmt
    if _suffix(p) in (".parquet", ".pq"):
        _binary(p, text[:16].encode())
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    raise LoadError(
        f"log {str(p)!r}: cannot tell the format from the content or the name; "
        f"line 1: {_short(first)!r}; expected one of {', '.join(DETECTED)} "
        "(pass format= / --format)"
    )


def _short(text: str, n: int = 80) -> str:
    return text if len(text) <= n else text[: n - 3] + "..."
