"""python -m pipeline <stage> [options]: run one stage of the pipeline.

A user's mistake (bad config, missing data, a stale or damaged artifact) ends the run with one
line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys

from data.sources import DataUnavailable
from data.tasks import TaskError
from pipeline import bench, classify, evaluate, predict, prepare, pretrain, toy
from pipeline.infra.artifacts import ArtifactError
from pipeline.infra.config import ConfigError
from training.divergence import TrainingDiverged

STAGES = {"prepare": prepare, "pretrain": pretrain, "classify": classify, "eval": evaluate,
          "predict": predict, "bench": bench, "toy": toy}
USER_ERRORS = (ConfigError, DataUnavailable, ArtifactError, TaskError, TrainingDiverged)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="stage", required=True, metavar="STAGE")
    for name, module in STAGES.items():
        sub = subparsers.add_parser(name, help=module.__doc__.splitlines()[0],
                                    description=module.__doc__)
        module.add_arguments(sub)
    args = parser.parse_args(argv)
    try:
        STAGES[args.stage].main(args)
    except USER_ERRORS as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
