"""Progress bars on long loops; tqdm turns itself off when output is not a terminal (CI, logs)."""

import os

from tqdm.auto import tqdm


def progress(iterable, description: str, total: int | None = None):
    # of torchrun's processes (it sets RANK) only rank 0 draws, so the bars do not interleave
    quiet = os.environ.get("RANK", "0") != "0"
    return tqdm(iterable, desc=description, total=total, leave=False,
                disable=True if quiet else None)
