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
from pathlib import Path

from torch import nn

from data.tasks import TaskError
from data.vocab import Vocabulary
from pipeline.families.family import Family, FoldInputs
from pipeline.infra.artifacts import ArtifactError, load_torch
from pipeline.infra.config import ConfigError, parse_config
from pipeline.infra.schema import VOCABULARY, expect, expect_state, on_meta, tensors, words

__all__ = ["FAMILIES", "Family", "FoldInputs", "check_applies", "families_for", "load_model"]


def _discover() -> dict[str, Family]:
    found = []
    for module in pkgutil.iter_modules(__path__):
        found += getattr(importlib.import_module(f"{__name__}.{module.name}"), "FAMILIES", ())
    return {family.name: family for family in sorted(found, key=lambda f: f.order)}


FAMILIES = _discover()


def families_for(kind: str, model: str) -> tuple[Family, ...]:
    """MODEL=all: every family that runs on the data set (its DataSet.kind); else the one
    named."""
    if model == "all":
        return tuple(f for f in FAMILIES.values() if kind in f.datasets)
    return (FAMILIES[model],)


def check_applies(family: Family, dataset: str, has_trees: bool) -> None:
    if family.needs_trees and not has_trees:
        raise TaskError(f"MODEL={family.name} follows parse trees, and {dataset} has none; "
                        f"use DATASET=sst2 or sst5")


def load_model(path: str | Path, family: Family, make_target: str, dataset: str | None = None
               ) -> tuple[nn.Module, Vocabulary, list[str], int]:
    """The model `classify` saved for the family -> (model in eval mode, vocabulary, class
    names, max length); every key, the embedded config and each parameter's shape are checked
    before anything is built. With `dataset`, a model trained on another data set is refused
    (its labels would answer a question that was not asked)."""
    path = Path(path)
    saved = load_torch(path, make_target)
    if saved.get("kind") != "model" or saved.get("family") != family.name:
        raise ArtifactError(f"{path} is not a {family.name} RAE classifier; "
                            f"run `make {make_target}`")
    expect(saved, path, make_target, config=dict, dataset=str, state=(dict, tensors, "tensors"),
           vocab=VOCABULARY,
           labels=(list, lambda xs: words(xs) and len(xs) >= 2, "two or more class names"))
    if dataset is not None and saved["dataset"] != dataset:
        raise TaskError(f"{path} was trained on {saved['dataset']}, not {dataset}; pass "
                        f"--dataset {saved['dataset']}, or a model trained on {dataset}")
    vocab_size, classes = len(saved["vocab"]), len(saved["labels"])
    try:
        config = parse_config(saved["config"], vocab_size)
    except ConfigError as err:
        raise ArtifactError(f"{path} holds a config this code cannot use ({err}); "
                            f"run `make {make_target}`") from None
    expect_state(saved["state"], on_meta(lambda: family.build_model(config, vocab_size, classes)),
                 path, make_target)
    model = family.build_model(config, vocab_size, classes)
    model.load_state_dict(saved["state"])
    return model.eval(), Vocabulary(saved["vocab"]), saved["labels"], config.data.max_length
