"""A softmax head on fixed features (codes of a frozen encoder, a tree RAE's nodes): full-batch
Adam, early-stopped on dev accuracy."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from training.early_stopping import Curve, EarlyStopping


def _accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
    return (logits.argmax(-1) == labels).float().mean().item()


def fit_head(head: nn.Linear, train_features: torch.Tensor, train_labels: torch.Tensor,
             dev_features: torch.Tensor | None, dev_labels: torch.Tensor | None, epochs: int,
             lr: float, patience: int) -> Curve:
    """Full-batch training of the head, early-stopped on dev accuracy; without dev features (a
    refit on train + dev) all `epochs` steps run."""
    optimizer = torch.optim.Adam(head.parameters(), lr=lr)
    stopper = EarlyStopping(patience)
    for _ in range(epochs):
        loss = F.cross_entropy(head(train_features), train_labels)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if dev_features is None:
            continue
        with torch.no_grad():
            dev_accuracy = _accuracy(head(dev_features), dev_labels)
        if stopper.update(head, loss.item(), dev_accuracy):
            break
    if dev_features is None:
        return Curve(best_epoch=epochs - 1)
    return stopper.finish(head)


def head_probabilities(head: nn.Linear, features: dict[str, torch.Tensor],
                       labels: dict[str, np.ndarray], epochs: int, lr: float, patience: int
                       ) -> tuple[dict[str, torch.Tensor], Curve]:
    """Fit the head on features["train"] (early stopping on "dev"); -> ({"dev", "test": its
    class probabilities there, on the CPU}, the curve)."""
    device = features["train"].device
    train, dev = (torch.as_tensor(labels[part], device=device) for part in ("train", "dev"))
    curve = fit_head(head, features["train"], train, features["dev"], dev, epochs, lr, patience)
    with torch.no_grad():
        return {part: torch.softmax(head(features[part]), -1).cpu()
                for part in ("dev", "test")}, curve


def refit_head_probabilities(head: nn.Linear, features: dict[str, torch.Tensor],
                             labels: dict[str, np.ndarray], steps: int, lr: float
                             ) -> torch.Tensor:
    """Fit the head on features["train"] for the `steps` dev chose (no dev left to stop on);
    -> its class probabilities on features["test"], on the CPU."""
    train = torch.as_tensor(labels["train"], device=features["train"].device)
    fit_head(head, features["train"], train, None, None, steps, lr, patience=steps)
    with torch.no_grad():
        return torch.softmax(head(features["test"]), -1).cpu()
