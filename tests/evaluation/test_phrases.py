"""The test phrases of SST: the words under every labelled node, in tree-rae's node order."""

import numpy as np

from data.splits import Fold
from data.tasks import Task
from data.trees import LabelledTree
from evaluation.phrases import labelled_phrases, node_accuracy, phrase_accuracy


def _task() -> Task:
    # "not very good": leaves 0-2, node 3 = (very good), node 4 = (not (very good)).
    # The second sentence is in train and must be left out.
    return Task("sst2", "split", ("neg", "pos"), ["not very good", "fine"],
                [["not", "very", "good"], ["fine"]], np.array([0, 1]),
                [Fold(np.array([1]), np.array([], dtype=int), np.array([0]))], {},
                [LabelledTree(["not", "very", "good"], [(1, 2), (0, 3)], [-1, -1, 1, 1, 0]),
                 LabelledTree(["fine"], [], [1])])


def test_phrases_are_the_words_under_labelled_nodes():
    phrases, labels = labelled_phrases(_task())
    assert phrases == [["good"], ["very", "good"], ["not", "very", "good"]]
    assert labels.tolist() == [1, 1, 0]


def test_each_distinct_phrase_is_predicted_once():
    seen = []

    def predict(phrases):
        seen.extend(phrases)
        return np.array([int("not" not in p) for p in phrases])

    assert phrase_accuracy(predict, _task()) == 1.0
    assert len(seen) == 3


def test_node_accuracy_counts_labelled_test_nodes_only():
    # Nodes 0-1 are unlabelled: whatever is predicted there does not count.
    assert node_accuracy(_task(), np.array([0, 0, 1, 1, 0])) == 1.0
    assert node_accuracy(_task(), np.array([1, 1, 1, 0, 0])) == 2 / 3
