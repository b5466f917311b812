"""python -m pipeline.launch [torchrun options] -m pipeline pretrain [options]: torchrun, with
a failed process told in one line.

It takes torchrun's own command line and runs torchrun's own launcher, so everything torchrun
does (--standalone on one machine; --nnodes and --rdzv-endpoint across machines) works the
same. What differs: when a process dies (SIGKILL, out of memory) torchrun stops the others and
prints a traceback and a report; this prints one line and exits with status 2, or 130 on Ctrl-C.
A process that ended with status 2 has already said why in one line, so nothing is added.
"""

from __future__ import annotations

import logging
import os
import signal
import sys

from torch.distributed.elastic.multiprocessing.errors import ChildFailedError, ProcessFailure
from torch.distributed.run import get_args_parser, run

from pipeline.__main__ import INTERRUPTED, LAUNCHED

USER_ERROR = 2  # what `python -m pipeline` returns after its one-line message


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
    args = get_args_parser().parse_args(sys.argv[1:] if argv is None else argv)
    # torchrun's warnings and failure report would bury the line that says what happened
    logging.getLogger("torch.distributed.elastic").setLevel(logging.CRITICAL)
    # one thread per process, as torchrun would set (with a warning) anyway
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ[LAUNCHED] = "1"
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
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
