"""Progress bars on long loops; tqdm turns itself off when output is not a terminal (CI, logs)."""

from tqdm.auto import tqdm


def progress(iterable, description: str, total: int | None = None):
    return tqdm(iterable, desc=description, total=total, leave=False, disable=None)
