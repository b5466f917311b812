"""Data-parallel pretraining across the processes torchrun starts (DistributedDataParallel).

Every rank draws the same global batches from the same seeded streams and trains on its own
share of each; its loss is its share's sum over the *global* batch's count, times the number of
ranks (DDP averages gradients over ranks), so N ranks take the steps one process takes on the
same global batches, and the random streams every rank holds are the single process's. The
steps agree up to float rounding only: each rank sums its share's gradients and the all-reduce
sums the ranks', an order one process never takes; after tests/tiny.toml's epoch on
movie_reviews, 2 ranks' skip-gram vectors differ from one process's by up to 1.7e-5, and the
gap grows with the steps. So N ranks' pretraining has folders of its own
(pipeline/infra/paths.py).
A batch smaller than the number of ranks leaves some ranks nothing: they take a stand-in row
at weight 0, so every rank joins every gradient all-reduce and none waits forever.
"""

from __future__ import annotations

import ctypes
import datetime
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NoReturn

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel

# A collective that has not completed by then raises on every rank still alive, so a dead or
# stuck rank ends the run instead of hanging it.
COLLECTIVE_TIMEOUT = datetime.timedelta(minutes=5)
# Set by pipeline.launch, to its pid, for the processes it starts: they end when it ends, and
# it tells why one died (so the process itself need not).
LAUNCHED = "RAE_LAUNCHED_BY_PIPELINE"
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


class PeerLost(RuntimeError):
    """Another training process died or stopped answering, so this one cannot go on."""


@dataclass(frozen=True)
class Ranks:
    """This process's place among the training processes; one process is Ranks(0, 1)."""

    rank: int = 0
    world: int = 1

    @property
    def main(self) -> bool:
        """The one rank that takes locks and writes checkpoints and artifacts."""
        return self.rank == 0

    def share(self, batch: np.ndarray) -> tuple[np.ndarray, float]:
        """-> (this rank's rows of a global batch, their weight): contiguous near-equal
        slices; a rank with no rows gets the batch's first row at weight 0."""
        rows = np.array_split(batch, self.world)[self.rank]
        return (rows, 1.0) if len(rows) else (batch[:1], 0.0)

    def wrap(self, model: nn.Module, device: torch.device) -> nn.Module:
        """model, or a DDP wrapper around it that all-reduces the gradients of backward()."""
        if self.world == 1:
            return model
        return DistributedDataParallel(model, device_ids=[device] if device.type == "cuda"
                                       else None)

    def global_mean(self, share_loss: torch.Tensor) -> float:
        """The global batch's loss from each rank's share_loss (as `share` weights it)."""
        value = share_loss.detach().clone()
        if self.world > 1:
            dist.all_reduce(value)
        return value.item() / self.world

    @contextmanager
    def watching_peers(self) -> Iterator[None]:
        """Tell a lost peer as PeerLost. The backends raise RuntimeError (DistError from a
        collective, a plain one naming gloo or NCCL from DDP's gradient hooks); other errors
        pass unchanged."""
        try:
            yield
        except RuntimeError as err:
            text = str(err)
            if self.world == 1 or not (isinstance(err, dist.DistError) or "gloo" in text
                                       or "NCCL" in text):
                raise
            detail = text.strip().splitlines()[0] if text.strip() else type(err).__name__
            raise PeerLost(f"rank {self.rank} lost another training process ({detail})"
                           ) from None

    def barrier(self) -> None:
        if self.world > 1:
            dist.barrier()


SINGLE = Ranks()


def die_with_launcher() -> None:
    """Under pipeline.launch on Linux, have the kernel send this process SIGTERM when the
    launcher ends: a launcher killed by SIGKILL cannot stop its ranks itself, and they would
    train on, holding cores and memory, with nobody to read their output."""
    launcher = os.environ.get(LAUNCHED)
    if launcher is None or not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != int(launcher):  # it ended before the request took effect
        os.kill(os.getpid(), signal.SIGTERM)


def start(device: torch.device) -> tuple[Ranks, torch.device]:
    """Join torchrun's process group when started by torchrun (it sets WORLD_SIZE, RANK and
    LOCAL_RANK): gloo on the CPU, nccl on CUDA, one GPU per local rank."""
    die_with_launcher()
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world == 1:
        return SINGLE, device
    if device.type == "cuda":
        device = torch.device("cuda", int(os.environ["LOCAL_RANK"]))
        torch.cuda.set_device(device)
    dist.init_process_group("nccl" if device.type == "cuda" else "gloo",
                            timeout=COLLECTIVE_TIMEOUT)
    return Ranks(dist.get_rank(), dist.get_world_size()), device


def stop() -> None:
    if dist.is_initialized():
        dist.destroy_process_group()


def exit_rank(status: int) -> NoReturn:
    """End a process torchrun started, skipping the interpreter's shutdown. DDP's reducer keeps
    the gloo process group, and its worker threads, alive after destroy_process_group (torch
    2.13); a worker that drops its last tensor while the interpreter shuts down aborts the
    process ("terminate called without an active exception", seen in a core dump) now and
    then. All artifacts are written and closed by then; only the standard streams still hold
    output."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
