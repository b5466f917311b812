"""A softmax head on fixed features (codes of a frozen encoder, a tree RAE's nodes): full-batch
Adam, early-stopped on dev accuracy."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from training.early_stopping import Curve, EarlyStopping
from training.optimizer import adam


def _accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
    return (logits.argmax(-1) == labels).float().mean().item()


def fit_head(head: nn.Linear, train_features: torch.Tensor, train_labels: torch.Tensor,
             epochs: int, lr: float,
             dev: tuple[torch.Tensor, torch.Tensor] | None = None, patience: int = 1) -> Curve:
    """Full-batch training of the head, early-stopped on dev = (features, labels) accuracy;
    without dev (a refit on train + dev) all `epochs` steps run."""
    optimizer = adam(head.parameters(), lr)
    stopper = EarlyStopping(patience) if dev is not None else None
    for _ in range(epochs):
        loss = F.cross_entropy(head(train_features), train_labels)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if stopper is None:
            continue
        with torch.no_grad():
            dev_accuracy = _accuracy(head(dev[0]), dev[1])
        if stopper.update(head, loss.item(), dev_accuracy):
            break
    return stopper.finish(head) if stopper is not None else Curve(best_epoch=epochs - 1)


def head_probabilities(head: nn.Linear, features: dict[str, torch.Tensor],
                       labels: dict[str, np.ndarray], epochs: int, lr: float, patience: int
                       ) -> tuple[dict[str, torch.Tensor], Curve]:
    """Fit the head on features["train"] (early stopping on "dev"); -> ({"dev", "test": its
    class probabilities there, on the CPU}, the curve)."""
    device = features["train"].device
    train, dev = (torch.as_tensor(labels[part], device=device) for part in ("train", "dev"))
    curve = fit_head(head, features["train"], train, epochs, lr, (features["dev"], dev),
                     patience)
    with torch.no_grad():
        return {part: torch.softmax(head(features[part]), -1).cpu()
                for part in ("dev", "test")}, curve


def refit_head_probabilities(head: nn.Linear, features: dict[str, torch.Tensor],
                             labels: dict[str, np.ndarray], steps: int, lr: float
                             ) -> torch.Tensor:
    """Fit the head on features["train"] for the `steps` dev chose (no dev left to stop on);
    -> its class probabilities on features["test"], on the CPU."""
    train = torch.as_tensor(labels["train"], device=features["train"].device)
    fit_head(head, features["train"], train, steps, lr)
    with torch.no_grad():
        return torch.softmax(head(features["test"]), -1).cpu()
