"""rae+nbsvm: an RAE row's class probabilities mixed with NBSVM-bi's, on two-class tasks.

Everything is chosen on dev, fold by fold, never on the test part:
- NBSVM-bi is fit on the fold's train part only, and its SVM scores become probabilities by
  Platt scaling (a one-feature logistic regression) fit on dev;
- the RAE row is the one with the best mean dev accuracy over the folds;
- the weight w of the RAE in w * p_rae + (1 - w) * p_nbsvm is the one of WEIGHTS with the
  lowest dev log-loss (the smallest, on a tie). Dev accuracy, a step function of w on one
  fold's thousand sentences, picked weights from 0 to 0.95 across MR's folds; the log-loss
  varies smoothly with w and weighs every sentence's probability, not just its side of 0.5.
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression

from data.splits import Fold
from evaluation.baselines import NBSVM

WEIGHTS = np.linspace(0.0, 1.0, 21)


def nbsvm_probabilities(tokens: list[list[str]], labels: np.ndarray, fold: Fold
                        ) -> dict[str, np.ndarray]:
    """{"dev", "test": NBSVM-bi's class probabilities}, NBSVM fit on train, calibrated on dev."""
    model = NBSVM().fit([tokens[i] for i in fold.train], labels[fold.train])
    scores = {part: model.decision_function([tokens[i] for i in idx])
              for part, idx in (("dev", fold.dev), ("test", fold.test))}
    platt = LogisticRegression().fit(scores["dev"], labels[fold.dev])
    return {part: platt.predict_proba(s) for part, s in scores.items()}


def best_dev_row(dev_probs: dict[str, list[np.ndarray]], dev_labels: list[np.ndarray]) -> str:
    """The row whose dev predictions are right most often, averaged over folds."""
    def mean_dev_accuracy(name: str) -> float:
        return float(np.mean([(p.argmax(1) == y).mean()
                              for p, y in zip(dev_probs[name], dev_labels, strict=True)]))
    return max(dev_probs, key=mean_dev_accuracy)


def mix(rae: dict[str, np.ndarray], nbsvm: dict[str, np.ndarray], dev_labels: np.ndarray
        ) -> tuple[float, np.ndarray]:
    """-> (the RAE's weight chosen on dev, the mixed test probabilities)."""
    right = np.arange(len(dev_labels)), dev_labels
    dev_log_loss = [-np.log(np.clip((w * rae["dev"] + (1 - w) * nbsvm["dev"])[right], 1e-12,
                                    None)).mean() for w in WEIGHTS]
    weight = float(WEIGHTS[int(np.argmin(dev_log_loss))])
    return weight, weight * rae["test"] + (1 - weight) * nbsvm["test"]
