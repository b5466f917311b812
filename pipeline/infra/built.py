"""What earlier stages built, loaded for a later one and checked against this run: the task's
prepared data, the pretrained encoder, a family's per-fold predictions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch

from data.datasets import DataSet
from data.splits import Fold
from data.tasks import SST_CLASS_NAMES, Task, make_task
from models.word_rae import WordRAE
from pipeline.infra.artifacts import ArtifactError, check_same, load_json, load_torch
from pipeline.infra.config import PRETRAIN_SECTIONS, Config
from pipeline.infra.options import Run
from pipeline.infra.paths import classify_target
from pipeline.infra.schema import VOCABULARY, expect, expect_state, on_meta, tensors

if TYPE_CHECKING:  # the families build on this module
    from pipeline.families import Family


def load_task(run: Run, dataset: DataSet, protocol: str) -> Task:
    path, target = run.layout.data / f"{dataset.corpus}.json", f"prepare {dataset.make_args}"
    prepared = load_json(path, target)
    expect(prepared, path, target, texts=list, tokens=list, labels=list, fingerprint=str,
           **({} if dataset.kind in SST_CLASS_NAMES else {"class_names": list}))
    return make_task(prepared, dataset, protocol, run.seed)


def load_pretrained(run: Run) -> dict:
    return read_pretrained(run.layout.pretrain, run.config)


def read_pretrained(path: Path, config: Config) -> dict:
    """pretrain.pt, checked to come from config's pretraining settings."""
    pretrained = load_torch(path, "pretrain")
    expect(pretrained, path, "pretrain", config_digest=str, vocab_digest=str,
           vocab=VOCABULARY,
           encoder=(dict, tensors, "tensors"), seconds=dict, sentences=int, tokens=int,
           embedding_losses=list, rae_losses=list, provenance=dict)
    check_same(path, "pretraining config", pretrained["config_digest"],
               config.digest(*PRETRAIN_SECTIONS), "pretrain")
    expect_state(pretrained["encoder"], on_meta(lambda: WordRAE(
        len(pretrained["vocab"]), config.embeddings.dim, config.rae.hidden)), path, "pretrain")
    return pretrained


def load_classified(run: Run, family: Family, task: Task, pretrained: dict) -> dict:
    """A family's classify artifact, refused when made from another config, text, vocabulary or
    folds than this run's, or when it does not hold the family's rows."""
    path = run.layout.classify(family.name, task.name)
    target = classify_target(task.data.make_args, task.protocol, family.name)
    classified = load_torch(path, target)
    expect(classified, path, target, config_digest=str, data_fingerprint=str, vocab_digest=str,
           folds=(list, lambda folds: len(folds) == len(task.folds), f"{len(task.folds)} folds"),
           provenance=dict)
    check_same(path, "config", classified["config_digest"], run.config.digest(), target)
    check_same(path, f"{task.dataset} data", classified["data_fingerprint"], task.fingerprint,
               target)
    check_same(path, "vocabulary", classified["vocab_digest"], pretrained["vocab_digest"], target)
    for k, (stored, fold) in enumerate(zip(classified["folds"], task.folds, strict=True)):
        _expect_fold(stored, fold, len(task.class_names), family.rows, f"{path} fold {k}",
                     target)
    return classified


def _expect_fold(stored, fold: Fold, classes: int, rows: tuple[str, ...], where: str,
                 target: str) -> None:
    """A fold's test indices are this task's, and each row holds one finite distribution over
    the classes per test sentence and per dev sentence."""
    def distributions(size: int):
        def check(probs: torch.Tensor) -> bool:
            return (probs.shape == (size, classes) and probs.is_floating_point()
                    and bool(((probs >= 0) & (probs <= 1)).all())
                    and bool(torch.allclose(probs.sum(1), torch.ones(size), atol=1e-3)))
        return check

    expect(stored, where, target, test=torch.Tensor,
           models=(dict, lambda made: set(made) == set(rows), f"the rows {', '.join(rows)}"))
    if not np.array_equal(stored["test"].numpy(), fold.test):
        raise ArtifactError(f"{where} holds other test sentences than this data and seed",
                            f"delete it and run `make {target}`")
    for name, row in stored["models"].items():
        if not isinstance(row, dict):
            raise ArtifactError(f"{where}: row {name} is not a table",
                                f"delete it and run `make {target}`")
        expect(row, f"{where} row {name}", target, seconds=(float, lambda s: s >= 0, ">= 0"),
               curve=dict,
               probs=(torch.Tensor, distributions(len(fold.test)),
                      f"a {len(fold.test)} x {classes} table of probabilities"),
               dev_probs=(torch.Tensor, distributions(len(fold.dev)),
                          f"a {len(fold.dev)} x {classes} table of probabilities"))
