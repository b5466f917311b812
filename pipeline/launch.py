"""python -m pipeline.launch [torchrun options] -m pipeline pretrain [options]: torchrun, with
a failed process told in one line.

It takes torchrun's own command line and runs torchrun's own launcher, so everything torchrun
does (--standalone on one machine; --nnodes and --rdzv-endpoint across machines) works the
same. What differs:
- --nproc-per-node must be a whole number >= 1, and this machine must hold that many
  processes: a CPU core each (one thread each), or a CUDA device each on CUDA, and their
  memory (memory.py's estimate of the config pretrain names, times the count). Otherwise one
  line and status 2, before any process starts.
- When a process dies (SIGKILL, out of memory) torchrun stops the others and prints a
  traceback and a report; this prints one line and exits with status 2. A process that ended
  with status 2 has already said why in one line, so nothing is added.
- SIGTERM (also SIGHUP, SIGQUIT) stops the processes, as torchrun does, then prints one line
  and exits with 128 + the signal's number, as a shell tells of a process a signal ended:
  143 for SIGTERM; Ctrl-C prints one line and exits with 130.
- The processes end when this one ends, even by SIGKILL (training/distributed.py,
  die_with_launcher), so none trains on unwatched.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys

import torch
from torch.distributed.elastic.multiprocessing.api import SignalException
from torch.distributed.elastic.multiprocessing.errors import ChildFailedError, ProcessFailure
from torch.distributed.run import get_args_parser, run

from pipeline.__main__ import INTERRUPTED, describe, parse, say_error, user_errors
from pipeline.infra import values
from pipeline.infra.memory import too_large
from pipeline.infra.options import Run
from pipeline.infra.runtime import resolve_device
from training.distributed import LAUNCHED

USER_ERROR = 2  # what `python -m pipeline` returns after its one-line message
NPROC = "--nproc-per-node (NPROC)"


def pretrain_options(args: argparse.Namespace) -> argparse.Namespace | None:
    """The options of the `-m pipeline pretrain ...` torchrun is to start, or None when it
    starts something else (a test's script)."""
    if not (args.module and args.training_script == "pipeline"):
        return None
    options, _ = parse(args.training_script_args)
    return options if options.stage == "pretrain" else None


def process_count(text: str, device: torch.device) -> int:
    """--nproc-per-node: one process per CPU core at most (each takes one thread), or per
    CUDA device on CUDA (each takes one); more would only take turns. ValueError if not."""
    if device.type != "cuda":
        return values.processes(text)
    count, gpus = values.whole_number(text, 1), torch.cuda.device_count()
    if count > gpus:
        raise ValueError(f"must be at most the {gpus} CUDA devices torch sees, got {count}")
    return count


def refusal(args: argparse.Namespace) -> str | None:
    """Why torchrun should not start these processes on this machine, or None. Raises the
    user errors of the pretrain options (a config that cannot be read, a missing GPU)."""
    pretrain = pretrain_options(args)
    device = resolve_device("auto" if pretrain is None else pretrain.device)
    try:
        count = process_count(args.nproc_per_node, device)
    except ValueError as err:
        return f"{NPROC} {err}"
    if pretrain is None:
        return None
    problem = too_large(Run.from_args(pretrain).config, processes=count)
    return None if problem is None else f"{NPROC} {count}: {problem}"


def how_it_ended(exitcode: int) -> str:
    if exitcode < 0:
        return f"was killed by {signal.Signals(-exitcode).name}"
    return f"exited with status {exitcode}"


def first_cause(failures: dict[int, ProcessFailure]) -> tuple[int, ProcessFailure] | None:
    """The failed process to tell of, or None when each told of itself (status 2). Once one
    process dies, the others follow it: a rank that lost its peer exits with status 2, and
    torchrun stops the rest with SIGTERM, all within the second torchrun stamps failures
    with, so neither kind is the cause while another failure is there."""
    untold = {rank: failure for rank, failure in failures.items()
              if failure.exitcode != USER_ERROR}
    causes = {rank: failure for rank, failure in untold.items()
              if failure.exitcode != -signal.SIGTERM} or untold
    if not causes:
        return None
    rank = min(causes, key=lambda r: (causes[r].timestamp, r))
    return rank, causes[rank]


def main(argv: list[str] | None = None) -> int:
    parser = get_args_parser()
    # argparse reads every word that starts with -- as an option, even the script's own after
    # its name; with abbreviations on, the stage's --nproc would be refused as ambiguous
    # (--nproc-per-node or --nproc_per_node)
    parser.allow_abbrev = False
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        problem = refusal(args)
    except user_errors() as err:
        problem = str(err)
    except OSError as err:  # a config or vectors file that cannot be read
        problem = describe(err)
    if problem is not None:
        say_error(problem)
        return USER_ERROR
    # torchrun's warnings and failure report would bury the line that says what happened; its
    # modules' loggers set levels of their own, so only cutting them off silences them all
    elastic = logging.getLogger("torch.distributed.elastic")
    elastic.addHandler(logging.NullHandler())
    elastic.propagate = False
    # one thread per process, as torchrun would set (with a warning) anyway
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ[LAUNCHED] = str(os.getpid())  # the processes end with this one
    try:
        run(args)
    except ChildFailedError as err:
        cause = first_cause(err.failures)
        if cause is not None:
            rank, failure = cause
            print(f"error: training process {rank} (pid {failure.pid}) "
                  f"{how_it_ended(failure.exitcode)}, so the others were stopped; run the "
                  f"same command to resume from the last checkpoint", file=sys.stderr)
        return USER_ERROR
    except SignalException as err:  # torchrun has stopped the processes by now
        if err.sigval == signal.SIGINT:
            print(INTERRUPTED, file=sys.stderr)
            return 130
        print(f"stopped by {err.sigval.name}, and so were the training processes; run the same "
              f"command to resume from the last checkpoint", file=sys.stderr)
        return 128 + err.sigval
    except KeyboardInterrupt:  # before torchrun handles the signal itself
        print(INTERRUPTED, file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
