"""Checkpoints that let a killed training stage continue exactly where it stopped.

A stage keeps one checkpoint. In it, each training loop has a named entry holding all it needs
to go on bit for bit: model and optimizer state, its random streams, its position (epoch and
step) and running totals. A finished piece of work (a fold's predictions) is stored under its
own name, and the entries of the loops that made it are dropped.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import nn

from training.early_stopping import EarlyStopping


def _detached(value):
    """A copy that later training steps cannot change (state dicts hold live tensors)."""
    if isinstance(value, torch.Tensor):
        return value.detach().to("cpu", copy=True)
    if isinstance(value, dict):
        return {key: _detached(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_detached(item) for item in value)
    return value


class _Store:
    def __init__(self, entries: dict, write: Callable[[dict], None], every_seconds: float):
        self.entries, self.write, self.every_seconds = entries, write, every_seconds
        self.last_save = time.monotonic()

    def save(self) -> None:
        self.write(self.entries)
        self.last_save = time.monotonic()


class Checkpoint:
    """A view of a stage's checkpoint under a name prefix ("fold3/", say)."""

    def __init__(self, store: _Store, prefix: str = ""):
        self._store, self._prefix = store, prefix

    @classmethod
    def in_memory(cls) -> Checkpoint:
        """For callers that do not resume (benchmarks, tests of the loops themselves)."""
        return cls(_Store({}, lambda entries: None, float("inf")))

    @classmethod
    def writing(cls, entries: dict, write: Callable[[dict], None], every_seconds: float
                ) -> Checkpoint:
        """write(entries) at most every `every_seconds` (0: after every step)."""
        return cls(_Store(entries, write, every_seconds))

    def scope(self, name: str) -> Checkpoint:
        return Checkpoint(self._store, f"{self._prefix}{name}/")

    def get(self, name: str):
        return self._store.entries.get(self._prefix + name)

    def put(self, name: str, value) -> None:
        """Store a finished result now, dropping the entries of the loops under `name/`."""
        key = self._prefix + name
        entries = self._store.entries
        for stale in [k for k in entries if k.startswith(key + "/")]:
            del entries[stale]
        entries[key] = _detached(value)
        self._store.save()

    def update(self, name: str, state: Callable[[], dict], force: bool = False) -> None:
        """Store state() of a loop when the interval has passed (or force)."""
        store = self._store
        if force or time.monotonic() - store.last_save >= store.every_seconds:
            store.entries[self._prefix + name] = _detached(state())
            store.save()


class TrainingLoop:
    """Epochs of minibatch steps that can stop after any step and restart exactly.

    for epoch in loop.epochs(n):
        batches = ...                      # drawn from rng, which the loop rewinds on resume
        for batch in loop.steps(batches):  # skips the steps a killed run already took
            ...; loop.record(loss_sum, count)
        mean_loss = loop.end_epoch()
    loop.finish()
    """

    def __init__(self, checkpoint: Checkpoint, name: str, model: nn.Module,
                 optimizer: torch.optim.Optimizer, rng: np.random.Generator,
                 generator: torch.Generator | None = None, stopper: EarlyStopping | None = None):
        self.checkpoint, self.name = checkpoint, name
        self.model, self.optimizer, self.rng = model, optimizer, rng
        self.generator, self.stopper = generator, stopper
        self.epoch, self.step, self.total, self.count = 0, 0, 0.0, 0
        self.losses: list[float] = []
        self.finished = False
        self._epoch_rng = None
        saved = checkpoint.get(name)
        if saved is not None:
            self._restore(saved)

    def epochs(self, epochs: int) -> Iterator[int]:
        while not self.finished and self.epoch < epochs:
            if self.step == 0:  # the batches of this epoch come from the rng as it is now
                self._epoch_rng = self.rng.bit_generator.state
            yield self.epoch

    def steps(self, batches: Iterable) -> Iterator:
        for batch in itertools.islice(batches, self.step, None):
            yield batch
            self.step += 1
            self.checkpoint.update(self.name, self._state)

    def record(self, loss_sum: float, count: int) -> None:
        self.total += loss_sum
        self.count += count

    def end_epoch(self) -> float:
        """-> the epoch's mean loss, also kept in self.losses."""
        self.losses.append(self.total / max(self.count, 1))
        self.epoch, self.step, self.total, self.count = self.epoch + 1, 0, 0.0, 0
        return self.losses[-1]

    def finish(self) -> None:
        """Early stopping or the last epoch: a resumed run skips this loop entirely."""
        self.finished = True
        self.checkpoint.update(self.name, self._state, force=True)

    def _state(self) -> dict:
        return {
            "epoch": self.epoch, "step": self.step, "total": self.total, "count": self.count,
            "losses": list(self.losses), "finished": self.finished,
            "epoch_rng": self._epoch_rng,
            "torch_rng": torch.get_rng_state(),
            "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
            "generator": self.generator.get_state() if self.generator is not None else None,
            "model": self.model.state_dict(), "optimizer": self.optimizer.state_dict(),
            "stopper": self.stopper.state_dict() if self.stopper is not None else None,
        }

    def _restore(self, saved: dict) -> None:
        self.epoch, self.step = saved["epoch"], saved["step"]
        self.total, self.count = saved["total"], saved["count"]
        self.losses, self.finished = list(saved["losses"]), saved["finished"]
        self._epoch_rng = saved["epoch_rng"]
        if self._epoch_rng is not None:  # rewound, so the epoch's batches are drawn again
            self.rng.bit_generator.state = self._epoch_rng
        torch.set_rng_state(saved["torch_rng"])
        if saved["cuda_rng"]:
            torch.cuda.set_rng_state_all(saved["cuda_rng"])
        if self.generator is not None:
            self.generator.set_state(saved["generator"])
        self.model.load_state_dict(saved["model"])
        self.optimizer.load_state_dict(saved["optimizer"])
        if self.stopper is not None:
            self.stopper.load_state_dict(saved["stopper"])
