"""The classification tasks, built from a prepared corpus (build/data/<corpus>.json).

mr, subj, cr, mpqa: labelled sentences (data/line_sets.py), one 80/10/10 split or 10-fold CV
(PROTOCOL=split or cv10); their class names come with the prepared corpus.
A user's file or folder (data/user_data.py): the same, or its own train/dev/test files.
sst2, sst5: SST's parse trees with the standard train/dev/test split (PROTOCOL=split only).
sst2 drops sentences whose root is neutral and maps labels 0-1 -> neg, 3-4 -> pos; phrases
keep their labels, neutral phrases becoming unlabelled (-1). sst5 keeps all five classes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data.datasets import DataSet
from data.splits import Fold, assign_parts, content_key, make_folds
from data.trees import LabelledTree

SST_CLASS_NAMES = {"sst2": ("neg", "pos"),
                   "sst5": ("very neg", "neg", "neutral", "pos", "very pos")}
SST2_CLASS = np.array([0, 0, -1, 1, 1])  # SST label 0-4 -> sst2 class, -1: left out


class TaskError(ValueError):
    """A task asked for with a protocol or model it does not have; one line naming the fix."""


def task_name(dataset: str, protocol: str) -> str:
    return f"{dataset}-{protocol}"


@dataclass
class Task:
    data: DataSet
    protocol: str
    class_names: tuple[str, ...]
    texts: list[str]
    tokens: list[list[str]]
    labels: np.ndarray  # class of each sentence
    folds: list[Fold]
    prepared: dict  # the prepared corpus (source, fingerprint, seconds, ...)
    trees: list[LabelledTree[str]] | None = None  # SST: each sentence's tree of words

    @property
    def dataset(self) -> str:
        return self.data.name

    @property
    def name(self) -> str:
        return task_name(self.dataset, self.protocol)

    @property
    def fingerprint(self) -> str:
        return self.prepared["fingerprint"]


def _given_split(split: list[str], texts: list[str], labels: list[int], seed: int) -> Fold:
    """The files' own train/test (and dev); without a dev file, a tenth of train, dealt as
    the folds are."""
    split = np.asarray(split)
    train, dev = np.flatnonzero(split == "train"), np.flatnonzero(split == "dev")
    if not len(dev):
        part = assign_parts([content_key(texts[i]) for i in train], [labels[i] for i in train],
                            10, seed)
        train, dev = train[part != 0], train[part == 0]
    return Fold(train, dev, np.flatnonzero(split == "test"))


def make_task(prepared: dict, dataset: DataSet, protocol: str, seed: int) -> Task:
    if dataset.kind not in SST_CLASS_NAMES:
        texts, labels = prepared["texts"], prepared["labels"]
        if prepared.get("split") is None:
            folds = make_folds(texts, labels, protocol, seed)
        elif protocol == "split":
            folds = [_given_split(prepared["split"], texts, labels, seed)]
        else:
            raise TaskError(f"{dataset.path} has its own test file; use PROTOCOL=split, "
                            f"not {protocol}")
        return Task(dataset, protocol, tuple(prepared["class_names"]), texts,
                    prepared["tokens"], np.asarray(labels), folds, prepared)
    if protocol != "split":
        raise TaskError(f"{dataset.name} has its standard train/dev/test split only; "
                        f"use PROTOCOL=split, not {protocol}")
    roots = np.asarray(prepared["labels"])
    nodes = [np.asarray(labels) for labels in prepared["node_labels"]]
    if dataset.kind == "sst2":
        keep = np.flatnonzero(SST2_CLASS[roots] >= 0)
        roots, nodes = SST2_CLASS[roots], [SST2_CLASS[labels] for labels in nodes]
    else:
        keep = np.arange(len(roots))
    split = np.asarray(prepared["split"])[keep]
    fold = Fold(*(np.flatnonzero(split == name) for name in ("train", "dev", "test")))
    trees = [LabelledTree(prepared["tokens"][i], [tuple(pair) for pair in prepared["children"][i]],
                          nodes[i].tolist()) for i in keep]
    return Task(dataset, protocol, SST_CLASS_NAMES[dataset.kind],
                [prepared["texts"][i] for i in keep],
                [prepared["tokens"][i] for i in keep], roots[keep], [fold], prepared, trees)
