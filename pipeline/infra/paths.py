"""Where each stage writes, and the make target that writes it. The Makefile asks this module
for the run folders' and the data set's names (`python3 -m pipeline.infra.paths CONFIG SEED
DATASET TEXT_COLUMN LABEL_COLUMN VECTORS CORPUS NPROC`), so the two agree.

    build/data/{mr,subj,cr,mpqa,unlabeled,sst,<user data>}.json   prepare (tokenised text)
    build/pretrain-<P>-seed<S>/pretrain.pt              pretrain (vocabulary, vectors, RAE)
    build/<config>-<C>-seed<S>/classify-<model>-<task>.pt   classify (per-fold predictions)
    build/<config>-<C>-seed<S>/model-<model>-<task>.pt      classify (the model predict uses)
    reports/<task>/<config>-<C>-seed<S>/accuracy.{json,md}, *.png   eval
    reports/<task>/<config>-<C>-seeds.{json,md}        seeds (make sweep)
    reports/summary/<config>-<C>-seed<S>.{json,md}     summary (make benchmark)

where <task> is <dataset>-<protocol> (mr-split, mr-cv10, sst2-split, sst5-split; a user's
file is named by its path and a fingerprint of its content, reviews-csv-1a2b3c4d), <C> is a
digest of the config's resolved values and <P> of its pretraining sections only. Two configs
never share a run folder (however their files are named), and configs that differ only
after pretraining share one pretraining; a report's folder is named as its run's, so runs of
other seeds or configs never overwrite it.

Pretraining in N > 1 processes (--nproc N, make's NPROC) adds -nproc<N> to the pretraining
and run folders' names (and to the seeds report's): its vectors agree with one process's only
to float rounding (the ranks sum their gradients in another order, over thousands of steps),
so the two never stand in for each other, nor do their classify artifacts and reports.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from data.datasets import USER, resolve_dataset
from data.sources import DataUnavailable
from pipeline.infra.config import (
    PRETRAIN_SECTIONS,
    Config,
    ConfigError,
    load_config,
    with_files,
)

DIGEST_LENGTH = 8
PRETRAIN_FILE = "pretrain.pt"


def folder_names(config_path: Path, config: Config, seed: int, nproc: int = 1
                 ) -> tuple[str, str]:
    """-> (run folder, pretraining folder) names."""
    run = f"{config_path.stem}-{config.digest()[:DIGEST_LENGTH]}-seed{seed}{_processes(nproc)}"
    return run, pretrain_name(config, seed, nproc)


def pretrain_name(config: Config, seed: int, nproc: int = 1) -> str:
    """The pretraining folder's name: runs of one seed and process count whose pretraining
    settings agree (any config file) share it."""
    digest = config.digest(*PRETRAIN_SECTIONS)[:DIGEST_LENGTH]
    return f"pretrain-{digest}-seed{seed}{_processes(nproc)}"


def _processes(nproc: int) -> str:
    """One process keeps the names that builds made before the count was part of them."""
    return "" if nproc == 1 else f"-nproc{nproc}"


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
        return self.pretrain_folder / PRETRAIN_FILE

    def classify(self, family: str, task: str) -> Path:
        return self.run / f"classify-{family}-{task}.pt"

    def model(self, family: str, task: str) -> Path:
        return self.run / f"model-{family}-{task}.pt"

    @property
    def parser(self) -> Path:
        return self.run / "parser.pt"

    @property
    def parser_report(self) -> Path:
        return self.reports / "sst-parser" / self.run_name

    def report(self, task: str) -> Path:
        return self.reports / task / self.run_name

    def seeds_report(self, task: str) -> Path:
        """Where make sweep gathers the reports of this config's seeds (.json, .md), of one
        process count: <config>-<C>-seeds[-nproc<N>]."""
        head, _, seed_and_processes = self.run_name.rpartition("-seed")
        return self.reports / task / f"{head}-seeds{seed_and_processes.lstrip('0123456789')}.json"

    @property
    def summary(self) -> Path:
        """Where make benchmark gathers this run's reports of every task (.json, .md)."""
        return self.reports / "summary" / f"{self.run_name}.json"

    def report_source(self, task: str) -> Path:
        """Which run and models the task's report was made from (make reads it)."""
        return self.report(task) / ".source"


def unlabeled_name(config: Config) -> str:
    """The prepared pretraining text: movie_reviews, or the CORPUS named by its stamp."""
    stamp = config.data.unlabeled_stamp
    return f"unlabeled-{stamp}" if config.data.unlabeled else "unlabeled"


def classify_target(dataset_args: str, protocol: str, family: str) -> str:
    """The make command that builds a family's classify artifacts for a task; `dataset_args`
    is DataSet.make_args."""
    return f"classify {dataset_args} PROTOCOL={protocol} MODEL={family}"


def _for_make(config_file: str, seed_text: str, dataset: str = "mr", text_column: str = "text",
              label_column: str = "label", vectors: str = "", unlabeled: str = "",
              nproc_text: str = "1") -> list[str]:
    """The run and pretraining folders, the prepared pretraining text, then the data set's
    name, kind and corpus; where something is wrong, placeholders that the stage itself will
    refuse with a proper message."""
    try:
        config = with_files(load_config(config_file), vectors or None, unlabeled or None)
        folders = (*folder_names(Path(config_file), config, int(seed_text), int(nproc_text)),
                   unlabeled_name(config))
    except (ConfigError, ValueError, DataUnavailable):
        folders = (f"{Path(config_file).stem}-invalid-seed{seed_text}",
                   f"pretrain-invalid-seed{seed_text}", "unlabeled-invalid")
    try:
        data = resolve_dataset(dataset, text_column, label_column)
        named = (data.name, data.kind, data.corpus)
    except (DataUnavailable, OSError):
        named = ("invalid-dataset", USER, "invalid-dataset")
    return [*folders, *named]


if __name__ == "__main__":  # for the Makefile
    print(*_for_make(*sys.argv[1:9]))
