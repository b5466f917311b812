"""One process at a time per output folder, so two `make eval` runs on one checkout do not
train the same artifacts side by side or resume from each other's checkpoints."""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.infra.artifacts import ArtifactError, remove_partial_files


@contextmanager
def exclusive(folder: Path) -> Iterator[None]:
    """Hold folder/.lock; a second process waits, then finds the first one's work done.
    The kernel releases the lock when its holder dies, even by SIGKILL, so whatever
    temporary files are left in the folder once we hold it belong to no live writer.

    The lock file is opened read-only (a lock needs no write access, so a read-only build
    folder whose work is done still answers) and never through a symlink (a planted link
    cannot make us create or truncate its target)."""
    folder.mkdir(parents=True, exist_ok=True)
    lock = folder / ".lock"
    try:
        handle = os.open(lock, os.O_RDONLY | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as err:
        if err.errno != errno.ELOOP:
            raise
        raise ArtifactError(f"{lock} is a symbolic link; a lock file is never followed, so "
                            f"remove the link and run again") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another run that is writing to {folder}", flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        remove_partial_files(folder)
        yield
    finally:
        os.close(handle)
