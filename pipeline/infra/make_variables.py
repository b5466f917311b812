"""The make variables a user sets, checked before the Makefile uses them anywhere:

    python3 -m pipeline.infra.make_variables FAMILY... -- NAME=VALUE...

prints nothing when every value is fine, else one line naming the first variable that is not,
which the Makefile stops with. Make pastes a variable's value into target names and into
shell commands, so a value it would read as syntax (a quote, `;`, `$(...)`, a newline) must
never get that far. Free text (DATASET, VECTORS, CORPUS, TEXT, TEXT_COLUMN, LABEL_COLUMN) is
not checked here: it reaches the stages through the environment only, never make's syntax.
Only the form is checked where the stage itself knows the meaning (DEVICE, PROTOCOL), so the
stage's own message stays the one a user sees.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable

from pipeline.infra.values import port, processes, seconds, seed

# What make can hold in a target name and a shell word without quoting.
PATH = re.compile(r"[A-Za-z0-9._/+@-]+")
WORD = re.compile(r"[A-Za-z0-9._:-]+")


def path(text: str) -> str:
    if not PATH.fullmatch(text):
        raise ValueError(f"must be a path of letters, digits and . _ - / + @ only (make names "
                         f"its targets by it, and a target cannot hold spaces, quotes or $), "
                         f"got {text!r}")
    return text


def word(text: str) -> str:
    if not WORD.fullmatch(text):
        raise ValueError(f"must be one word of letters, digits and . _ : -, got {text!r}")
    return text


def seeds(text: str) -> list[int]:
    values = [seed(part) for part in text.split()]
    if not values:
        raise ValueError("must name at least one seed")
    return values


def models(families: list[str]) -> Callable[[str], list[str]]:
    def check(text: str) -> list[str]:
        unknown = [name for name in text.split() if name not in [*families, "all"]]
        if unknown or "\n" in text:
            raise ValueError(f"must be families among {', '.join(families)}, or all; got "
                             f"{text!r}")
        return text.split()
    return check


def checks(families: list[str]) -> dict[str, Callable[[str], object]]:
    return {"CONFIG": path, "BUILD": path, "REPORTS": path, "EXPORTS": path,
            "SEED": seed, "SEEDS": seeds, "NPROC": processes, "JOBS": processes, "PORT": port,
            "CHECKPOINT": seconds, "MODEL": models(families), "DEVICE": word,
            "PROTOCOL": word}


def problem(families: list[str], assignments: list[str]) -> str | None:
    """The first NAME=VALUE whose value its check refuses, said in one line; None if none."""
    rules = checks(families)
    for assignment in assignments:
        name, _, value = assignment.partition("=")
        try:
            rules[name](value)
        except ValueError as err:
            return f"{name} {err}".replace("\n", "\\n")
    return None


if __name__ == "__main__":  # for the Makefile
    split = sys.argv.index("--")
    print(problem(sys.argv[1:split], sys.argv[split + 1:]) or "")
