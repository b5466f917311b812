"""What earlier stages built, loaded for a later one and checked against this run: the task's
prepared data, the pretrained encoder, a family's per-fold predictions."""

from __future__ import annotations

import numpy as np

from data.tasks import CORPUS, Task, make_task
from pipeline.infra.artifacts import ArtifactError, check_same, load_json, load_torch
from pipeline.infra.config import PRETRAIN_SECTIONS
from pipeline.infra.options import Run
from pipeline.infra.paths import classify_target


def load_task(run: Run, dataset: str, protocol: str) -> Task:
    prepared = load_json(run.layout.data / f"{CORPUS[dataset]}.json", f"prepare DATASET={dataset}")
    return make_task(prepared, dataset, protocol, run.seed)


def load_pretrained(run: Run) -> dict:
    pretrained = load_torch(run.layout.pretrain, "pretrain")
    check_same(run.layout.pretrain, "pretraining config", pretrained.get("config_digest", "?"),
               run.config.digest(*PRETRAIN_SECTIONS), "pretrain")
    return pretrained


def load_classified(run: Run, family: str, task: Task, pretrained: dict) -> dict:
    """A family's classify artifact, refused when made from another config, text, vocabulary or
    folds than this run's."""
    path = run.layout.classify(family, task.name)
    target = classify_target(task.dataset, task.protocol, family)
    classified = load_torch(path, target)
    check_same(path, "config", classified.get("config_digest", "?"), run.config.digest(), target)
    check_same(path, f"{task.dataset} data", classified.get("data_fingerprint", "?"),
               task.fingerprint, target)
    check_same(path, "vocabulary", classified.get("vocab_digest", "?"),
               pretrained["vocab_digest"], target)
    stored = [f["test"].numpy() for f in classified["folds"]]
    if len(stored) != len(task.folds) or any(
            not np.array_equal(s, f.test) for s, f in zip(stored, task.folds, strict=False)):
        raise ArtifactError(f"{path} holds other test folds than this data and seed; "
                            f"delete it and run `make {target}`")
    return classified
