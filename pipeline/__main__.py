"""python -m pipeline <stage> [options]: run one stage of the pipeline.

The one boundary between a user and the code: whatever a user can cause (bad config or
options, missing or unreadable data, a stale or damaged artifact, a full disk) ends the run
with one line on stderr and exit status 2, and Ctrl-C with one line and status 130; never a
traceback. Only the chosen stage is imported, so option errors and --help answer quickly.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

# Stage name -> what it does (its module's docstring says the rest).
STAGES = {
    "prepare": "read and tokenise the corpora",
    "pretrain": "skip-gram word vectors, then the linear RAE, on unlabeled reviews",
    "classify": "fit one RAE family's classifiers on a task, fold by fold",
    "eval": "baselines, metrics and figures -> reports/<task>/<run>/",
    "summary": "every task's report in one table -> reports/summary/<run>.{json,md}",
    "seeds": "one task's reports of several seeds in one table -> reports/<task>/",
    "results": "the results of record and the docs' tables made from them -> results/, docs/",
    "parser": "a binary parser learned from SST's training trees -> build/<run>/parser.pt",
    "predict": "classify sentences with a trained model",
    "export": "a trained model as a folder others can load -> exports/<task>-<family>/",
    "serve": "the web page: type a sentence, see its tree; reports; errors",
    "bench": "batched against per-sentence training speed",
    "toy": "the one-hot toy experiment",
}
MODULES = {"eval": "evaluate"}  # stage names that are not their module's name
QUICK_STARTS = {"predict"}  # stages a person waits on (pipeline/infra/quick_start.py)
INTERRUPTED = "interrupted; run the same command to resume"


def _stage_module(name: str):
    if name in QUICK_STARTS:
        from pipeline.infra.quick_start import import_nltk_lean

        import_nltk_lean()
    return importlib.import_module(f"pipeline.{MODULES.get(name, name)}")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        """One line, like every other mistake (argparse would print its usage first)."""
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


def parse(argv: list[str]):
    """-> (the options, the stage's module); a mistake exits with one line and status 2."""
    parser = _Parser(prog="python -m pipeline", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="stage", required=True, metavar="STAGE")
    chosen = next((a for a in argv if not a.startswith("-")), None)
    for name, summary in STAGES.items():
        sub = subparsers.add_parser(name, help=summary)
        if name == chosen:
            module = _stage_module(name)
            sub.description = module.__doc__
            module.add_arguments(sub)
    args = parser.parse_args(argv)
    return args, _stage_module(args.stage)


def user_errors() -> tuple[type[BaseException], ...]:
    from data.sources import DataUnavailable
    from data.tasks import TaskError
    from pipeline.infra.artifacts import ArtifactError
    from pipeline.infra.config import ConfigError
    from training.distributed import PeerLost
    from training.divergence import TrainingDiverged

    return ConfigError, DataUnavailable, ArtifactError, TaskError, TrainingDiverged, PeerLost


def _speaks_for_itself(err: Exception) -> bool:
    """Of torchrun's processes (it sets RANK) only rank 0 tells what every rank meets alike
    (they read the same files and all-reduce the same loss). A lost peer is told by each rank,
    unless pipeline.launch, which knows which process died and how, tells it."""
    from training.distributed import LAUNCHED, PeerLost  # imported late, as user_errors does

    if isinstance(err, PeerLost):
        return LAUNCHED not in os.environ
    return os.environ.get("RANK", "0") == "0"


def describe(err: OSError) -> str:
    """An OSError as a user reads it: what failed, on which file."""
    reason = err.strerror or str(err) or type(err).__name__
    return f"{reason}: {err.filename}" if err.filename else reason


def say_error(message: str) -> None:
    """The one line: a newline inside it can only come from a value the user typed (a path, a
    column name), so it is shown as \\n rather than starting a second line."""
    print("error: " + message.replace("\r", "\\r").replace("\n", "\\n"), file=sys.stderr)


def _quiet_stdout() -> None:
    """The reader of our output has gone (predict | head): send what is left nowhere, so the
    interpreter's final flush does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        args, module = parse(argv)
        errors = user_errors()
        try:
            module.main(args)
        except errors as err:
            if _speaks_for_itself(err):
                say_error(str(err))
            return 2
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return 130
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except OSError as err:  # unreadable files, read-only folders, a full disk
        say_error(describe(err))
        return 2
    return 0


if __name__ == "__main__":
    status = main()
    if "WORLD_SIZE" in os.environ:  # one of torchrun's processes
        from training.distributed import exit_rank
        exit_rank(status)
    sys.exit(status)
