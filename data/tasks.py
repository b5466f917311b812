"""The classification tasks, built from a prepared corpus (build/data/<corpus>.json).

mr, subj, cr, mpqa: labelled sentences (data/line_sets.py), one 80/10/10 split or 10-fold CV
(PROTOCOL=split or cv10); their class names come with the prepared corpus.
sst2, sst5: SST's parse trees with the standard train/dev/test split (PROTOCOL=split only).
sst2 drops sentences whose root is neutral and maps labels 0-1 -> neg, 3-4 -> pos; phrases
keep their labels, neutral phrases becoming unlabelled (-1). sst5 keeps all five classes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data.line_sets import LINE_SETS
from data.splits import Fold, make_folds
from data.trees import LabelledTree

SST_CLASS_NAMES = {"sst2": ("neg", "pos"),
                   "sst5": ("very neg", "neg", "neutral", "pos", "very pos")}
DATASETS = (*LINE_SETS, *SST_CLASS_NAMES)
# the prepared corpus each task reads
CORPUS = {**{name: name for name in LINE_SETS}, **dict.fromkeys(SST_CLASS_NAMES, "sst")}
SST2_CLASS = np.array([0, 0, -1, 1, 1])  # SST label 0-4 -> sst2 class, -1: left out


class TaskError(ValueError):
    """A task asked for with a protocol or model it does not have; one line naming the fix."""


def task_name(dataset: str, protocol: str) -> str:
    return f"{dataset}-{protocol}"


@dataclass
class Task:
    dataset: str
    protocol: str
    class_names: tuple[str, ...]
    texts: list[str]
    tokens: list[list[str]]
    labels: np.ndarray  # class of each sentence
    folds: list[Fold]
    prepared: dict  # the prepared corpus (source, fingerprint, seconds, ...)
    trees: list[LabelledTree[str]] | None = None  # SST: each sentence's tree of words

    @property
    def name(self) -> str:
        return task_name(self.dataset, self.protocol)

    @property
    def fingerprint(self) -> str:
        return self.prepared["fingerprint"]


def make_task(prepared: dict, dataset: str, protocol: str, seed: int) -> Task:
    if dataset not in SST_CLASS_NAMES:
        return Task(dataset, protocol, tuple(prepared["class_names"]), prepared["texts"],
                    prepared["tokens"], np.asarray(prepared["labels"]),
                    make_folds(prepared["texts"], prepared["labels"], protocol, seed), prepared)
    if protocol != "split":
        raise TaskError(f"{dataset} has its standard train/dev/test split only; "
                        f"use PROTOCOL=split, not {protocol}")
    roots = np.asarray(prepared["labels"])
    nodes = [np.asarray(labels) for labels in prepared["node_labels"]]
    if dataset == "sst2":
        keep = np.flatnonzero(SST2_CLASS[roots] >= 0)
        roots, nodes = SST2_CLASS[roots], [SST2_CLASS[labels] for labels in nodes]
    else:
        keep = np.arange(len(roots))
    split = np.asarray(prepared["split"])[keep]
    fold = Fold(*(np.flatnonzero(split == name) for name in ("train", "dev", "test")))
    trees = [LabelledTree(prepared["tokens"][i], [tuple(pair) for pair in prepared["children"][i]],
                          nodes[i].tolist()) for i in keep]
    return Task(dataset, protocol, SST_CLASS_NAMES[dataset], [prepared["texts"][i] for i in keep],
                [prepared["tokens"][i] for i in keep], roots[keep], [fold], prepared, trees)
