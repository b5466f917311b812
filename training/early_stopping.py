"""Keep the parameters of the epoch with the best dev accuracy; stop after `patience` misses."""

from __future__ import annotations

import copy

from torch import nn


class EarlyStopping:
    def __init__(self, patience: int):
        self.patience = patience
        self.best_accuracy = -1.0
        self.best_epoch = -1
        self.best_state: dict | None = None
        self.misses = 0

    def update(self, model: nn.Module, epoch: int, dev_accuracy: float) -> bool:
        """Record one epoch; -> True when training should stop."""
        if dev_accuracy > self.best_accuracy:
            self.best_accuracy, self.best_epoch, self.misses = dev_accuracy, epoch, 0
            self.best_state = copy.deepcopy(model.state_dict())
        else:
            self.misses += 1
        return self.misses >= self.patience

    def restore(self, model: nn.Module) -> None:
        model.load_state_dict(self.best_state)
