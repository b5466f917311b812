"""Keep the parameters of the epoch with the best dev accuracy; stop after `patience` misses.

It also records the per-epoch curve the report plots.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from torch import nn


@dataclass
class Curve:
    train_loss: list[float] = field(default_factory=list)
    dev_accuracy: list[float] = field(default_factory=list)
    best_epoch: int = -1


class EarlyStopping:
    def __init__(self, patience: int):
        self.patience = patience
        self.curve = Curve()
        self.best_state: dict | None = None
        self.misses = 0

    def update(self, model: nn.Module, train_loss: float, dev_accuracy: float) -> bool:
        """Record one epoch; -> True when training should stop."""
        curve = self.curve
        curve.train_loss.append(train_loss)
        curve.dev_accuracy.append(dev_accuracy)
        if curve.best_epoch < 0 or dev_accuracy > curve.dev_accuracy[curve.best_epoch]:
            curve.best_epoch, self.misses = len(curve.dev_accuracy) - 1, 0
            self.best_state = copy.deepcopy(model.state_dict())
        else:
            self.misses += 1
        return self.misses >= self.patience

    def state_dict(self) -> dict:
        return {"curve": vars(self.curve), "best_state": self.best_state, "misses": self.misses}

    def load_state_dict(self, state: dict) -> None:
        self.curve = Curve(**state["curve"])
        self.best_state, self.misses = state["best_state"], state["misses"]

    def finish(self, model: nn.Module) -> Curve:
        """Load the best epoch's parameters back into the model; -> the curve."""
        model.load_state_dict(self.best_state)
        return self.curve

