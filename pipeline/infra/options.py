"""Command-line options shared by the stages, and the run context they resolve to."""

from __future__ import annotations

import argparse
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

import torch

from data.datasets import DATASETS, DataSet, resolve_dataset
from data.splits import PROTOCOLS
from pipeline.infra import values
from pipeline.infra.config import Config, load_config, with_files
from pipeline.infra.paths import Layout, folder_names
from pipeline.infra.runtime import DEVICES, device_name, resolve_device, set_seed


def command_line() -> str:
    """How this stage was started, as a user would type it."""
    return shlex.join(["python", "-m", "pipeline", *sys.argv[1:]])


def _option(check):
    """An argparse type from a check of pipeline/infra/values.py (shared with make's)."""
    def parse(text: str):
        try:
            return check(text)
        except ValueError as err:
            raise argparse.ArgumentTypeError(str(err)) from None
    parse.__name__ = check.__name__  # argparse names the type in its messages
    return parse


def nproc(text: str) -> int:
    """--nproc counts the processes of every machine, so this one's cores do not bound it."""
    return values.whole_number(text, 1)


seed_value = _option(values.seed)
seconds_value = _option(values.seconds)
device_value = _option(device_name)
nproc_value = _option(nproc)
processes_value = _option(values.processes)


def add_common(parser: argparse.ArgumentParser, task: bool = False) -> None:
    parser.add_argument("--config", default="configs/default.toml",
                        help="TOML file of settings (default: %(default)s)")
    parser.add_argument("--seed", type=seed_value, default=0,
                        help="seeds folds, initialisation and data order (default: 0)")
    parser.add_argument("--device", type=device_value, default="auto",
                        help=f"where to train: {DEVICES}; auto picks CUDA when present "
                             f"(default: auto)")
    parser.add_argument("--build", default="build", help="folder for artifacts (default: build)")
    parser.add_argument("--reports", default="reports", help="folder for reports")
    parser.add_argument("--vectors", metavar="PATH",
                        help="word2vec/GloVe text vectors to use instead of skip-gram (default: "
                             "the config's embeddings.vectors)")
    parser.add_argument("--unlabeled", metavar="PATH",
                        help="pretraining text instead of movie_reviews: a text file, a .gz or a "
                             "folder of them, a sentence or document per line (default: the "
                             "config's data.unlabeled)")
    parser.add_argument("--checkpoint-every", type=seconds_value, default=60.0, metavar="SECONDS",
                        help="save training state this often, so a killed pretrain or classify "
                             "resumes (default: %(default)s; 0: after every step)")
    parser.add_argument("--nproc", type=nproc_value, default=1, metavar="N",
                        help="the processes pretraining runs in (torchrun's world size, make's "
                             "NPROC); more than 1 has folders of its own, named ...-nprocN "
                             "(default: 1)")
    if task:
        add_dataset(parser)
        parser.add_argument(
            "--protocol", choices=PROTOCOLS, default="split",
            help="split: one 80/10/10 split; cv10: 10-fold CV (default: split)")


def add_dataset(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dataset", default="mr", metavar="NAME|PATH",
                        help=f"{', '.join(DATASETS)}, or a .csv/.tsv/.jsonl file or a folder of "
                             f"train/dev/test files (default: mr)")
    parser.add_argument("--text-column", default="text",
                        help="a file data set's text column (default: %(default)s)")
    parser.add_argument("--label-column", default="label",
                        help="a file data set's label column (default: %(default)s)")


def dataset_of(args: argparse.Namespace) -> DataSet:
    return resolve_dataset(args.dataset, args.text_column, args.label_column)


@dataclass
class Run:
    config: Config
    layout: Layout
    seed: int
    device: torch.device
    command: str
    checkpoint_every: float  # seconds between checkpoints of a training stage

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Run:
        """Read and check the config before any work, then seed everything."""
        config = with_files(load_config(args.config), args.vectors, args.unlabeled)
        device = resolve_device(args.device)
        set_seed(args.seed)
        layout = Layout(Path(args.build), Path(args.reports),
                        *folder_names(Path(args.config), config, args.seed, args.nproc))
        return cls(config, layout, args.seed, device, command_line(), args.checkpoint_every)
