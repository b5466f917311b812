"""All-phrase accuracy on SST: the share of the test trees' labelled nodes (phrases and words)
whose class is right. Models that follow the trees predict every node in place; models that
read text classify each node's words as a text of their own."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from data.tasks import Task


def labelled_phrases(task: Task) -> tuple[list[list[str]], np.ndarray]:
    """(words under each labelled node, its class), test trees in order, nodes in node order
    (the order tree-rae's node predictions come in)."""
    phrases, labels = [], []
    for i in task.folds[0].test:
        tree = task.trees[i]
        words = tree.leaves
        spans = [(k, k + 1) for k in range(len(words))]
        spans += [(0, 0)] * len(tree.children)
        for j, (left, right) in enumerate(tree.children, start=len(words)):
            spans[j] = (spans[left][0], spans[right][1])
        for (start, end), label in zip(spans, tree.node_labels, strict=True):
            if label >= 0:
                phrases.append(words[start:end])
                labels.append(label)
    return phrases, np.asarray(labels)


def phrase_accuracy(predict: Callable[[list[list[str]]], np.ndarray], task: Task) -> float:
    """Accuracy of predict(token lists) -> classes over the test phrases; a phrase that occurs
    many times (a frequent word, say) is predicted once."""
    phrases, labels = labelled_phrases(task)
    unique = {tuple(p): k for k, p in enumerate(dict.fromkeys(map(tuple, phrases)))}
    predicted = np.asarray(predict([list(p) for p in unique]))
    return float((predicted[[unique[tuple(p)] for p in phrases]] == labels).mean())


def node_accuracy(task: Task, node_predictions: np.ndarray) -> float:
    """Accuracy of a class for every node of the test trees, in node order (tree-rae's)."""
    truth = np.concatenate([task.trees[i].node_labels for i in task.folds[0].test])
    labelled = truth >= 0
    return float((np.asarray(node_predictions)[labelled] == truth[labelled]).mean())
