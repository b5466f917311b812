"""Where each stage writes. The Makefile spells the same layout; keep the two in step.

    build/data/mr.json, build/data/unlabeled.json       prepare (tokenised text)
    build/<config>-seed<S>/pretrain.pt                  pretrain (vocabulary, vectors, RAE)
    build/<config>-seed<S>/classify-<model>-<protocol>.pt   classify (per-fold predictions)
    build/<config>-seed<S>/model-<model>-<protocol>.pt      classify (the model predict uses)
    reports/mr-<protocol>/accuracy.{json,md}, *.png     eval
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Layout:
    build: Path
    reports: Path
    config: Path
    seed: int

    @property
    def data(self) -> Path:
        return self.build / "data"

    @property
    def run(self) -> Path:
        return self.build / f"{self.config.stem}-seed{self.seed}"

    @property
    def pretrain(self) -> Path:
        return self.run / "pretrain.pt"

    def classify(self, family: str, protocol: str) -> Path:
        return self.run / f"classify-{family}-{protocol}.pt"

    def model(self, family: str, protocol: str) -> Path:
        return self.run / f"model-{family}-{protocol}.pt"

    def report(self, protocol: str) -> Path:
        return self.reports / f"mr-{protocol}"
