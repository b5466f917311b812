"""What DATASET= may name: a built-in data set or a user's file or folder, resolved to the
names its artifacts and reports go under. Standard library only: the Makefile asks
pipeline/infra/paths.py for these names before any package is installed.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from data.line_sets import LINE_SETS
from data.user_data import dataset_name

SST_DATASETS = ("sst2", "sst5")
DATASETS = (*LINE_SETS, *SST_DATASETS)
USER = "user"  # the kind of every user's file or folder
KINDS = (*DATASETS, USER)  # what a family may declare it runs on
# the prepared corpus each built-in task reads
CORPUS = {**{name: name for name in LINE_SETS}, **dict.fromkeys(SST_DATASETS, "sst")}


@dataclass(frozen=True)
class DataSet:
    """What DATASET= names: a built-in data set, or a user's file or folder (data/user_data.py)."""

    name: str  # in task, artifact and report names
    kind: str  # the built-in name, or USER
    corpus: str  # its prepared corpus: build/data/<corpus>.json
    path: Path | None = None
    text_column: str = "text"
    label_column: str = "label"

    @property
    def make_args(self) -> str:
        """The make variables that name it again, quoted for a shell."""
        if self.path is None:
            return f"DATASET={self.name}"
        columns = "".join(f" {variable}={shlex.quote(value)}" for variable, value, default in (
            ("TEXT_COLUMN", self.text_column, "text"), ("LABEL_COLUMN", self.label_column, "label"))
            if value != default)
        return f"DATASET={shlex.quote(str(self.path))}{columns}"


def resolve_dataset(argument: str, text_column: str = "text", label_column: str = "label"
                    ) -> DataSet:
    if argument in DATASETS:
        return DataSet(argument, argument, CORPUS[argument])
    path = Path(argument)
    name = dataset_name(path, text_column, label_column)
    return DataSet(name, USER, name, path, text_column, label_column)
