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

from torch.distributed.elastic.multiprocessing.errors import ChildFailedError
from torch.distributed.run import get_args_parser, run

from pipeline.__main__ import INTERRUPTED, LAUNCHED

USER_ERROR = 2  # what `python -m pipeline` returns after its one-line message


def how_it_ended(exitcode: int) -> str:
    if exitcode < 0:
        return f"was killed by {signal.Signals(-exitcode).name}"
    return f"exited with status {exitcode}"


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
        # A rank that lost its peer ends with status 2 as fast as the dead one is seen, so the
        # one to tell of is the first failure that has not told of itself.
        untold = {rank: failure for rank, failure in err.failures.items()
                  if failure.exitcode != USER_ERROR}
        if untold:
            rank = min(untold, key=lambda r: (untold[r].timestamp, r))
            print(f"error: training process {rank} (pid {untold[rank].pid}) "
                  f"{how_it_ended(untold[rank].exitcode)}, so the others were stopped; run "
                  f"the same command to resume from the last checkpoint", file=sys.stderr)
        return USER_ERROR
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
