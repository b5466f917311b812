"""Where each stage writes, and the make target that writes it. The Makefile spells the same
layout; keep the two in step.

    build/data/{mr,unlabeled,sst}.json                  prepare (tokenised text)
    build/<config>-seed<S>/pretrain.pt                  pretrain (vocabulary, vectors, RAE)
    build/<config>-seed<S>/classify-<model>-<task>.pt   classify (per-fold predictions)
    build/<config>-seed<S>/model-<model>-<task>.pt      classify (the model predict uses)
    reports/<task>/accuracy.{json,md}, *.png            eval

where <task> is <dataset>-<protocol>: mr-split, mr-cv10, sst2-split, sst5-split.
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

    def classify(self, family: str, task: str) -> Path:
        return self.run / f"classify-{family}-{task}.pt"

    def model(self, family: str, task: str) -> Path:
        return self.run / f"model-{family}-{task}.pt"

    def report(self, task: str) -> Path:
        return self.reports / task


def classify_target(dataset: str, protocol: str, family: str) -> str:
    """The make command that builds a family's classify artifacts for a task."""
    return f"classify DATASET={dataset} PROTOCOL={protocol} MODEL={family}"
