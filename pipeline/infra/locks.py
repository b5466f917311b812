"""One process at a time per output folder, so two `make eval` runs on one checkout do not
train the same artifacts side by side or resume from each other's checkpoints."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def exclusive(folder: Path) -> Iterator[None]:
    """Hold folder/.lock; a second process waits, then finds the first one's work done.
    The kernel releases the lock when its holder dies, even by SIGKILL."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another run that is writing to {folder}", flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
