"""The original toy: encode a stream of one-hot vectors, unroll the final code, count recall.

Two recipes train the same LinearRAE on one sequence, eye(n):
- `original`: plain SGD on the per-step reconstruction error (inputs and previous states), as the
  original experiment did. Nothing asks the *unrolled* sequence to be right, and unrolling
  compounds each step's error, so only the last few inputs come back.
- `unrolled`: Adam on the same error plus the error of the whole unrolled sequence, which is
  what recall measures; gradients clipped, learning rate decayed by a cosine schedule.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import torch
from torch import nn

from models.linear_rae import LinearRAE, LinearRAEConfig

ORIGINAL_INIT_STD = 0.1  # the original drew every weight, bias and h_0 from a small Gaussian


@dataclass
class ToyResult:
    name: str
    recalled: int  # positions whose unrolled argmax is the input's, in order
    loss: float  # the per-step reconstruction error (the original recipe's loss) at the end
    steps: int
    seconds: float
    unrolled: list[list[float]]  # (n, n) decoded sequence, for the figure
    trace: list[list[int]]  # [step, recalled] every `trace_every` steps


def one_hot_stream(length: int) -> torch.Tensor:
    return torch.eye(length).unsqueeze(0)  # (1, n, n): one sentence of n one-hot inputs


def initial_model(length: int, hidden: int, seed: int) -> LinearRAE:
    torch.manual_seed(seed)
    model = LinearRAE(LinearRAEConfig(input_dim=length, hidden=hidden))
    for parameter in model.parameters():
        nn.init.normal_(parameter, std=ORIGINAL_INIT_STD)
    return model


def unroll_sequence(model: LinearRAE, x: torch.Tensor) -> torch.Tensor:
    lengths = torch.tensor([x.shape[1]])
    codes, _ = model(x, lengths)
    return model.unroll(codes, x.shape[1])  # (1, n, d)


def recalled(model: LinearRAE, x: torch.Tensor) -> int:
    with torch.no_grad():
        decoded = unroll_sequence(model, x)
    return int((decoded.argmax(-1) == x.argmax(-1)).sum())


def _objective(model: LinearRAE, x: torch.Tensor, with_unrolled: bool) -> torch.Tensor:
    lengths = torch.tensor([x.shape[1]])
    codes, error = model(x, lengths)
    loss = error.sum()
    if with_unrolled:
        loss = loss + (model.unroll(codes, x.shape[1]) - x).pow(2).sum()
    return loss


@dataclass(frozen=True)
class Recipe:
    optimizer: str  # "sgd" or "adam"
    lr: float
    with_unrolled: bool  # add the unrolled sequence's error to the loss
    clip_norm: float | None
    cosine_decay: bool


RECIPES = {
    "original": Recipe("sgd", 1e-4, with_unrolled=False, clip_norm=None, cosine_decay=False),
    "unrolled": Recipe("adam", 1e-2, with_unrolled=True, clip_norm=1.0, cosine_decay=True),
}


def train(name: str, length: int, hidden: int, steps: int, seed: int, trace_every: int = 100
          ) -> ToyResult:
    """Train one recipe from RECIPES for a fixed number of steps, noting the recall as it goes
    (the time spent noting it is not counted)."""
    recipe = RECIPES[name]
    model = initial_model(length, hidden, seed)
    x = one_hot_stream(length)
    optimizer_class = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}[recipe.optimizer]
    optimizer = optimizer_class(model.parameters(), lr=recipe.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, steps) \
        if recipe.cosine_decay else None
    trace, seconds = [], 0.0
    for step in range(steps):
        if step % trace_every == 0:
            trace.append([step, recalled(model, x)])
        start = time.perf_counter()
        loss = _objective(model, x, recipe.with_unrolled)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if recipe.clip_norm is not None:
            nn.utils.clip_grad_norm_(model.parameters(), recipe.clip_norm)
        optimizer.step()
        if schedule is not None:
            schedule.step()
        seconds += time.perf_counter() - start
    trace.append([steps, recalled(model, x)])
    with torch.no_grad():
        final_loss = _objective(model, x, with_unrolled=False).item()
        decoded = unroll_sequence(model, x)[0]
    return ToyResult(name, trace[-1][1], final_loss, steps, seconds, decoded.tolist(), trace)
