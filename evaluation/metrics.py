"""Accuracy with confidence intervals, per-class precision/recall/F1, confusion matrices."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def wilson_interval(correct: int, total: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (one test set)."""
    z = stats.norm.ppf(0.5 + level / 2)
    p = correct / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return centre - half, centre + half


def fold_interval(fold_accuracies: list[float], level: float = 0.95) -> tuple[float, float]:
    """Student-t interval of the mean over folds (cross-validation)."""
    values = np.asarray(fold_accuracies)
    mean, sem = values.mean(), values.std(ddof=1) / math.sqrt(len(values))
    half = stats.t.ppf(0.5 + level / 2, len(values) - 1) * sem
    return float(mean - half), float(mean + half)


def summarise(fold_true: list[np.ndarray], fold_pred: list[np.ndarray],
              class_names: tuple[str, ...]) -> dict:
    """Mean accuracy over folds, its spread and 95% interval, and per-class scores and the
    confusion matrix of all test predictions pooled."""
    folds = [accuracy(t, p) for t, p in zip(fold_true, fold_pred, strict=True)]
    y_true, y_pred = np.concatenate(fold_true), np.concatenate(fold_pred)
    if len(folds) > 1:
        interval, std = fold_interval(folds), float(np.std(folds, ddof=1))
    else:
        interval, std = wilson_interval(int((y_true == y_pred).sum()), len(y_true)), None
    labels = list(range(len(class_names)))
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0)
    return {
        "accuracy": float(np.mean(folds)),
        "std": std,
        "ci95": [float(interval[0]), float(interval[1])],
        "folds": folds,
        "per_class": {name: {"precision": float(precision[i]), "recall": float(recall[i]),
                             "f1": float(f1[i]), "support": int(support[i])}
                      for i, name in enumerate(class_names)},
        "confusion": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
    }
