"""The numbers a user types, as options of a stage or as make variables, checked by one set of
rules. Standard library only: the Makefile runs this with the system Python, before the
project's environment exists.

Each check returns the value or raises ValueError with the reason, phrased to follow the
option's or variable's name ("must be in 0..4294966, got -1").
"""

from __future__ import annotations

import os

# A fold trains from seed * 1000 + fold, and numpy takes 32-bit seeds.
MAX_SEED = (2**32 - 1) // 1000 - 1


def whole_number(text: str, low: int, high: int | None = None) -> int:
    """An integer in low..high written in decimal digits only (no spaces or underscores, so
    that what make passes on is exactly what was checked)."""
    bounds = f"in {low}..{high}" if high is not None else f">= {low}"
    signed = text.removeprefix("-")
    if not (signed.isascii() and signed.isdigit()):
        raise ValueError(f"must be a whole number {bounds}, got {text!r}")
    value = int(text)
    if value < low or (high is not None and value > high):
        raise ValueError(f"must be {bounds}, got {text}")
    return value


def seed(text: str) -> int:
    return whole_number(text, 0, MAX_SEED)


def seconds(text: str) -> float:
    """A number of seconds >= 0 (inf: never); not nan."""
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"must be a number of seconds, got {text!r}") from None
    if not value >= 0:  # also false for nan
        raise ValueError(f"must be >= 0 seconds, got {text}")
    return value


def available_cores() -> int:
    """The cores this process may run on (a container or taskset may allow fewer than the
    machine has)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
        os.cpu_count() or 1


def processes(text: str) -> int:
    """A count of processes that share this machine's cores: 1 up to the cores available,
    since more would only take turns on them (and multiply the memory)."""
    cores = available_cores()
    value = whole_number(text, 1)
    if value > cores:
        raise ValueError(f"must be at most the {cores} cores this machine gives us, got {value}")
    return value


def port(text: str) -> int:
    return whole_number(text, 1, 65535)
