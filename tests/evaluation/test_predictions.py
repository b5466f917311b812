"""predictions.json, which the page's error browser reads: the test sentences in fold order,
each row's predicted class, and the wrong ones filtered by model and true class."""

from types import SimpleNamespace

import numpy as np

from data.splits import Fold
from evaluation.predictions import fold_predictions, wrong_predictions


def test_the_wrong_ones_by_model_and_true_class():
    task = SimpleNamespace(
        class_names=("neg", "pos"), texts=["a", "b", "c", "d"], labels=np.array([0, 1, 1, 0]),
        folds=[Fold(np.array([]), np.array([]), np.array([3, 1])),
               Fold(np.array([]), np.array([]), np.array([0, 2]))])
    rows = [{"model": "m", "predictions": [np.array([1, 1]), np.array([0, 0])]}]
    predictions = fold_predictions(task, rows)
    assert [s["text"] for s in predictions["sentences"]] == ["d", "b", "a", "c"]
    assert [s["fold"] for s in predictions["sentences"]] == [0, 0, 1, 1]
    assert predictions["predicted"] == {"m": [1, 1, 0, 0]}
    assert [w["text"] for w in wrong_predictions(predictions, "m")] == ["d", "c"]
    assert wrong_predictions(predictions, "m", "pos") == [
        {"text": "c", "label": "pos", "fold": 1, "predicted": "neg"}]
