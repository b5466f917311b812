"""The one supervised loop every RAE family trains with, its schedule, and the choice of alpha.

The loop knows nothing of the model: it takes a batch loss and a dev accuracy as functions.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch import nn
from torch.optim import Optimizer

from data.batching import length_batches
from training.divergence import check_finite
from training.early_stopping import Curve, EarlyStopping
from training.optimizer import adam
from training.progress import progress
from training.resume import Checkpoint, TrainingLoop
from training.schedule import Schedule


def train_supervised(model: nn.Module, lengths: list[int],
                     batch_loss: Callable[[nn.Module, np.ndarray], torch.Tensor],
                     dev_accuracy: Callable[[nn.Module], float] | None, schedule: Schedule,
                     seed: int, description: str, checkpoint: Checkpoint | None = None,
                     optimizer: Optimizer | None = None,
                     epoch_end: Callable[[Optimizer], None] | None = None) -> Curve:
    """Minibatch Adam (or `optimizer`) on batch_loss(model, training indices), batches of
    similar `lengths`, gradients clipped; after each epoch epoch_end(optimizer), if given, and
    dev_accuracy(model) decides early stopping, and the best epoch's parameters are kept.
    Without dev_accuracy (a refit, which trains on dev too) every epoch of the schedule runs
    and the last is kept. With a checkpoint, a killed run picks up where it stopped."""
    optimizer = optimizer or adam(model.parameters(), schedule.lr)
    stopper = EarlyStopping(schedule.patience) if dev_accuracy else None
    loop = TrainingLoop(checkpoint or Checkpoint.in_memory(), description, model, optimizer,
                        np.random.default_rng(seed), stopper=stopper)
    for epoch in loop.epochs(schedule.epochs):
        model.train()
        batches = list(length_batches(lengths, schedule.batch_size, loop.rng))
        for batch in progress(loop.steps(batches), f"{description} epoch {epoch + 1}",
                              total=len(batches)):
            loss = batch_loss(model, batch)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            clip_gradients(model, schedule.clip_norm)
            optimizer.step()
            loop.record(check_finite(loss.item(), f"{description}, epoch {epoch + 1}")
                        * len(batch), len(batch))
        if epoch_end is not None:  # before end_epoch, so its checkpoint holds the change
            epoch_end(optimizer)
        mean_loss = loop.end_epoch()
        if stopper is not None and stopper.update(model, mean_loss, dev_accuracy(model)):
            break
    loop.finish()
    if stopper is None:
        return Curve(train_loss=list(loop.losses), best_epoch=len(loop.losses) - 1)
    return stopper.finish(model)


def clip_gradients(model: nn.Module, max_norm: float) -> None:
    """nn.utils.clip_grad_norm_, which has no kernel for sparse gradients (the phrase models'
    word vectors have them): their norm is that of their coalesced values."""
    gradients = [p.grad for p in model.parameters() if p.grad is not None]
    if not any(gradient.is_sparse for gradient in gradients):
        nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        return
    norm = torch.stack([(g.coalesce().values() if g.is_sparse else g).norm()
                        for g in gradients]).norm()
    coefficient = max_norm / (norm + 1e-6)  # clip_grad_norm_'s
    if coefficient < 1:
        for gradient in gradients:
            gradient.mul_(coefficient)


def best_alpha(alphas: list[float], seed: int, new_model: Callable[[], nn.Module],
               train: Callable[[nn.Module, float], Curve]):
    """best_on_dev over alphas, every model new_model()."""
    return best_on_dev(alphas, seed, lambda alpha: new_model(), train)


def best_on_dev(choices: list, seed: int, new_model: Callable[[object], nn.Module],
                train: Callable[[nn.Module, object], Curve]):
    """Train new_model(choice) per choice, each from the same initialisation (torch seeded with
    `seed` before new_model); -> (choice, model, curve) of the best dev accuracy, and the best
    dev accuracy of every choice (keyed by str(choice), for the report)."""
    best, dev_accuracy = None, {}
    for choice in choices:
        torch.manual_seed(seed)
        model = new_model(choice)
        curve = train(model, choice)
        dev_accuracy[str(choice)] = max(curve.dev_accuracy)
        if best is None or dev_accuracy[str(choice)] > dev_accuracy[str(best[0])]:
            best = (choice, model, curve)
    return best, dev_accuracy
