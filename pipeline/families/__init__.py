"""The RAE families: what `make classify MODEL=<name>` trains and `make eval` reports.

Each module here declares its families (`FAMILIES = (Family(...), ...)`, see family.py): how to
build the model, train one fold, which rows it reports, which row's model it saves and which
data sets MODEL=all runs it on. The stages, the report and `make help` read this registry, so a
new family is a new module here plus its line in the Makefile's family list (a test checks the
two agree).
"""

from __future__ import annotations

import importlib
import pkgutil

from pipeline.families.family import Family, FoldInputs

__all__ = ["FAMILIES", "Family", "FoldInputs", "families_for"]


def _discover() -> dict[str, Family]:
    found = []
    for module in pkgutil.iter_modules(__path__):
        found += getattr(importlib.import_module(f"{__name__}.{module.name}"), "FAMILIES", ())
    return {family.name: family for family in sorted(found, key=lambda f: f.order)}


FAMILIES = _discover()


def families_for(kind: str, models: list[str] | str) -> tuple[Family, ...]:
    """The families named (MODEL="linear greedy"), in the registry's order; `all` names every
    family that runs on the data set (its DataSet.kind)."""
    names = [models] if isinstance(models, str) else models
    return tuple(f for f in FAMILIES.values()
                 if f.name in names or ("all" in names and kind in f.datasets))
