"""Run identity (private): which run each log file is, and checkpoints of one run.

A file's run is its stem (``ppo_seed0.csv`` -> ``ppo_seed0``). Stems that every
run of a training stack writes (``trainer_state``, ``progress``, ``monitor``,
``result``, ``events.out.tfevents.*`` ...) name no run: the nearest folder that is
not a checkpoint folder (``checkpoint-500``, ``global_step_100`` ...) does. Two
files that would get one name are told apart by their folders (``a/seed0``,
``b/seed0``), never merged. Files that differ only in a checkpoint folder
(``out/checkpoint-300/trainer_state.json``, ``out/checkpoint-500/...``) are one
run: the latest checkpoint's cumulative history is used.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path, PurePath

#: Stems (lower case, without suffixes) that name no run: the folder names it.
GENERIC_STEMS = frozenset(
    {
        "trainer_state", "progress", "monitor", "result", "results", "metrics", "metric",
        "output", "outputs", "train", "training", "log", "logs", "eval", "evaluation",
        "history", "log_history", "scalars", "stats", "events", "stdout", "console",
    }
)  # fmt: skip
#: Stems of numbered copies of a generic log: ``0.monitor``, ``events.out.tfevents.1700.host``.
_GENERIC_PATTERN = re.compile(
    r"^(\d+\.)?monitor$|^events\.out\.tfevents\b|^(.*\.)?tfevents\b", re.I
)
#: Checkpoint folders of one run: ``checkpoint-500``, ``global_step_100``, ``step_20``, ``ckpt-3``.
CHECKPOINT = re.compile(
    r"^(?:checkpoint|ckpt|global_step|globalstep|step|iter|iteration|epoch)[-_]?(\d+)$", re.I
)


def file_stem(path: PurePath) -> str:
    """The name without its log suffixes: ``a.monitor.csv`` -> ``a.monitor``, ``r.csv.gz`` -> ``r``.

    An event file's name (``events.out.tfevents.1700000000.host``) is kept whole.
    """
    name = path.name
    for suffix in (".gz", ".bz2", ".xz", ".zst"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    stem = PurePath(name).stem if "." in name else name
    return stem or name


def is_generic(stem: str) -> bool:
    """True when ``stem`` is a name every run writes (``progress``, ``0.monitor``, ...)."""
    return stem.lower() in GENERIC_STEMS or bool(_GENERIC_PATTERN.match(stem))


def checkpoint_number(part: str) -> int | None:
    """The number of a checkpoint folder name (``checkpoint-500`` -> 500), else None."""
    m = CHECKPOINT.match(part)
    return int(m.group(1)) if m else None


def _folders(path: Path) -> list[str]:
    """The folders holding ``path``, nearest first, checkpoint folders left out."""
    absolute = Path(path).absolute()
    out = []
    for parent in absolute.parents:
        if parent.name and checkpoint_number(parent.name) is None:
            out.append(parent.name)
    return out


def _chain(path: Path) -> tuple[list[str], list[str]]:
    """The parts naming ``path``'s run, most specific first, and what tells workers apart.

    A specific stem (``ppo_seed0``) comes first, then its folders; a generic stem
    (``progress``) gives way to the folders. The second item (the stem, then the
    whole file name) tells apart files of one folder.
    """
    p = Path(path)
    if p.is_dir():
        return [p.absolute().name or str(p.absolute()), *_folders(p)], [str(p.absolute())]
    stem = file_stem(p)
    folders = _folders(p)
    if not is_generic(stem) or not folders:
        return [stem, *folders], [p.name, str(p.absolute())]
    return folders, [stem, p.name, str(p.absolute())]


def _display(chain: list[str], depth: int, tail: str | None) -> str:
    name = "/".join(reversed(chain[: depth + 1]))
    return f"{name}/{tail}" if tail is not None and name else (tail or name)


def _told_apart(group: list[tuple[list[str], list[str]]]) -> list[str]:
    """The shortest names (fewest folders) that tell the paths of ``group`` apart."""
    deepest = max(len(chain) for chain, _ in group)
    for level in range(-1, 3):
        for depth in range(max(deepest, 1)):
            names = [_display(c, depth, _tail(t, level)) for c, t in group]
            if len(set(names)) == len(names):
                return names
    return [t[-1] for _, t in group]


def _tail(tails: list[str], level: int) -> str | None:
    return None if level < 0 else tails[min(level, len(tails) - 1)]


def run_names(paths: Sequence[Path]) -> list[str]:
    """One distinct run name per path (see the module docstring).

    >>> run_names([Path("a/seed0/progress.csv"), Path("b/seed0/progress.csv"), Path("c.csv")])
    ['a/seed0', 'b/seed0', 'c']
    >>> run_names([Path("ppo/0.monitor.csv"), Path("ppo/1.monitor.csv")])
    ['ppo/0.monitor', 'ppo/1.monitor']
    >>> run_names([Path("grpo_a/trainer_state.json"), Path("runs/grpo_b.json")])
    ['grpo_a', 'grpo_b']
    """
    chains = [_chain(Path(p)) for p in paths]
    names = [_display(c, 0, None) for c, _ in chains]
    for _ in range(8):  # a longer name can clash with another path's name: settle
        groups: dict[str, list[int]] = {}
        for i, n in enumerate(names):
            groups.setdefault(n, []).append(i)
        clashes = [ix for ix in groups.values() if len(ix) > 1]
        if not clashes:
            break
        for ix in clashes:
            for i, name in zip(ix, _told_apart([chains[i] for i in ix]), strict=True):
                names[i] = name
    return names


def checkpoint_key(path: Path) -> tuple[str, float]:
    """``(path without its checkpoint folders, checkpoint number)``.

    Copies of one file in several checkpoint folders (and the final one beside
    them, number ``inf``) share the key's path; the highest number is the latest.
    """
    parts = Path(path).absolute().parts
    numbers = [checkpoint_number(part) for part in parts[:-1]]
    kept = [part for part, n in zip(parts[:-1], numbers, strict=True) if n is None]
    found = [n for n in numbers if n is not None]
    return "/".join([*kept, parts[-1]]), float(found[-1]) if found else float("inf")
