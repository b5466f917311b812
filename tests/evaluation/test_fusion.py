"""rae+nbsvm chooses its RAE row and its weight on dev only."""

import numpy as np

from evaluation.fusion import WEIGHTS, best_dev_row, mix


def _probs(positive: list[float]) -> np.ndarray:
    p = np.array(positive)
    return np.c_[1 - p, p]


def test_the_weight_has_the_lowest_dev_log_loss_and_the_test_part_is_only_mixed():
    labels = np.array([0, 1, 1, 0])
    rae = {"dev": _probs([0.4, 0.9, 0.45, 0.4]), "test": _probs([0.8, 0.2])}
    nbsvm = {"dev": _probs([0.3, 0.45, 0.9, 0.3]), "test": _probs([0.1, 0.7])}
    weight, test = mix(rae, nbsvm, labels)

    def log_loss(w):
        mixed = w * rae["dev"] + (1 - w) * nbsvm["dev"]
        return -np.log(mixed[np.arange(4), labels]).mean()

    losses = [log_loss(w) for w in WEIGHTS]
    assert weight == WEIGHTS[int(np.argmin(losses))]
    assert 0 < weight < 1 and all(log_loss(weight) <= loss for loss in losses)
    assert np.allclose(test, weight * rae["test"] + (1 - weight) * nbsvm["test"])


def test_the_rae_row_is_the_best_on_dev_over_the_folds():
    labels = [np.array([0, 1]), np.array([1, 1])]
    rows = {"a": [_probs([0.2, 0.8]), _probs([0.2, 0.2])],  # 2/2, then 0/2
            "b": [_probs([0.2, 0.2]), _probs([0.8, 0.8])]}  # 1/2, then 2/2
    assert best_dev_row(rows, labels) == "b"
