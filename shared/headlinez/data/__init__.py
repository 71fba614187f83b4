"""Package data: the word lists and mappings the code reads (gazetteers, stop words, lexicons).

One list per file in this folder; `SOURCES.md` says what each one is, where it came from and its
licence. A `.txt` file holds one entry per line (an entry may contain spaces; blank lines and lines
starting with `#` are skipped); a `.json` file holds one mapping. Files are read through
`importlib.resources` (so they work from a wheel or the Lambda layer alike), each once per process:
the modules that use them load them at import into constants of the same names and types as
before (a frozenset stays a frozenset, a dict a dict, file order kept where order matters).

Pure: the domain may import this module (import-linter's bottom layer).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

__all__ = ["entries", "string_map", "word_set"]


def _text(filename: str) -> str:
    return resources.files(__name__).joinpath(filename).read_text(encoding="utf-8")


@cache
def entries(name: str) -> tuple[str, ...]:
    """The entries of `<name>.txt`, in file order (duplicates kept)."""
    lines = (line.strip() for line in _text(f"{name}.txt").splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


def word_set(name: str) -> frozenset[str]:
    """The entries of `<name>.txt` as a set."""
    return frozenset(entries(name))


@cache
def _string_items(name: str) -> tuple[tuple[str, str], ...]:
    raw = json.loads(_text(f"{name}.json"))
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise ValueError(f"{name}.json: expected an object of strings")
    return tuple(raw.items())


def string_map(name: str) -> dict[str, str]:
    """`<name>.json`, an object of strings, as a new dict in file order."""
    return dict(_string_items(name))
