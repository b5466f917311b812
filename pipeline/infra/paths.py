"""Where each stage writes, and the make target that writes it. The Makefile asks this module
for the run folders' names (`python3 -m pipeline.infra.paths CONFIG SEED`), so the two agree.

    build/data/{mr,unlabeled,sst}.json                  prepare (tokenised text)
    build/pretrain-<P>-seed<S>/pretrain.pt              pretrain (vocabulary, vectors, RAE)
    build/<config>-<C>-seed<S>/classify-<model>-<task>.pt   classify (per-fold predictions)
    build/<config>-<C>-seed<S>/model-<model>-<task>.pt      classify (the model predict uses)
    reports/<task>/accuracy.{json,md}, *.png            eval

where <task> is <dataset>-<protocol> (mr-split, mr-cv10, sst2-split, sst5-split), <C> is a
digest of the config's resolved values and <P> of its pretraining sections only. Two configs
never share a run folder (however their files are named), and configs that differ only
after pretraining share one pretraining.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from pipeline.infra.config import PRETRAIN_SECTIONS, Config, ConfigError, load_config

DIGEST_LENGTH = 8


def folder_names(config_path: Path, config: Config, seed: int) -> tuple[str, str]:
    """-> (run folder, pretraining folder) names."""
    run = f"{config_path.stem}-{config.digest()[:DIGEST_LENGTH]}-seed{seed}"
    pretrain = f"pretrain-{config.digest(*PRETRAIN_SECTIONS)[:DIGEST_LENGTH]}-seed{seed}"
    return run, pretrain


@dataclass(frozen=True)
class Layout:
    build: Path
    reports: Path
    run_name: str
    pretrain_name: str

    @property
    def data(self) -> Path:
        return self.build / "data"

    @property
    def run(self) -> Path:
        return self.build / self.run_name

    @property
    def pretrain_folder(self) -> Path:
        return self.build / self.pretrain_name

    @property
    def pretrain(self) -> Path:
        return self.pretrain_folder / "pretrain.pt"

    def classify(self, family: str, task: str) -> Path:
        return self.run / f"classify-{family}-{task}.pt"

    def model(self, family: str, task: str) -> Path:
        return self.run / f"model-{family}-{task}.pt"

    def report(self, task: str) -> Path:
        return self.reports / task

    def report_source(self, task: str) -> Path:
        """Which run and models the task's report was made from (make reads it)."""
        return self.report(task) / ".source"


def classify_target(dataset: str, protocol: str, family: str) -> str:
    """The make command that builds a family's classify artifacts for a task."""
    return f"classify DATASET={dataset} PROTOCOL={protocol} MODEL={family}"


if __name__ == "__main__":  # for the Makefile: the two folder names, or placeholders that the
    # stage itself will refuse with a proper message
    config_file, seed_text = sys.argv[1:3]
    try:
        print(*folder_names(Path(config_file), load_config(config_file), int(seed_text)))
    except (ConfigError, ValueError):
        print(f"{Path(config_file).stem}-invalid-seed{seed_text} pretrain-invalid-seed{seed_text}")
