"""The schedule of a supervised training run (plain settings; no torch, so the config can be
read without it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Schedule:
    epochs: int  # upper bound; early stopping on dev
    patience: int  # epochs without a dev gain before stopping
    batch_size: int
    lr: float  # Adam
    clip_norm: float  # gradient norm cap: a recursive net has occasional exploding steps
