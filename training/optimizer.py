"""The optimiser every training stage uses."""

from __future__ import annotations

from collections.abc import Iterable

import torch


def adam(parameters: Iterable[torch.nn.Parameter], lr: float) -> torch.optim.Adam:
    """Adam with the fused kernel: one pass over each tensor instead of a dozen. On CPU it steps
    a 20,000 x 100 embedding table in 0.8 ms instead of 9.5, which was a quarter of greedy
    training's time (torch's default fuses only on CUDA). The same update, up to rounding."""
    return torch.optim.Adam(parameters, lr=lr, fused=True)
