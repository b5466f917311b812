"""How much memory a config's largest tensors take, estimated from the settings alone, so a
config that cannot fit stops before any work instead of crashing (or swapping) minutes in.

The estimate counts the dominant tensors of each stage in float32, with a trained parameter
counted four times (value, gradient and Adam's two moments) and an activation that backward
keeps counted twice (value and gradient). It is meant to be within a small factor, which is
all a bound needs; it is not a profiler.
"""

from __future__ import annotations

import os

FLOAT = 4  # bytes
TRAINED = 4 * FLOAT  # value, gradient, two Adam moments
KEPT = 2 * FLOAT  # activation kept for backward, and its gradient
# A config is checked before the corpus is read: assume a vocabulary this large (the
# unlabeled movie reviews give about 40,000 words at min_count 1).
LARGE_VOCABULARY = 100_000


def largest_tensors(config, vocab_size: int | None = None) -> list[tuple[int, str]]:
    """(bytes, what) of the biggest allocations of each stage, largest first."""
    vocab = vocab_size or LARGE_VOCABULARY
    d, e, r = config.data, config.embeddings, config.rae
    n = d.max_length
    linear_batch = max(r.batch_size, config.classify.batch_size)
    tree_batch = max(config.greedy.batch_size, config.greedy_random.batch_size,
                     config.tree.batch_size)
    pieces = [
        (2 * vocab * e.dim * TRAINED,
         f"skip-gram's two tables of {vocab:,} words x embeddings.dim = {e.dim}"),
        (e.batch_size * (e.negatives + 2) * e.dim * KEPT,
         f"a skip-gram batch: embeddings.batch_size = {e.batch_size} x (negatives = "
         f"{e.negatives} + 2) x dim"),
        (4 * r.hidden * (e.dim + r.hidden) * TRAINED,
         f"the linear RAE's weights: 4 x rae.hidden = {r.hidden} x (dim + hidden)"),
        (linear_batch * n * 3 * (r.hidden + e.dim) * KEPT,
         f"a linear RAE batch: batch_size = {linear_batch} x data.max_length = {n} x 3 x "
         f"(hidden + dim)"),
        (tree_batch * n * 6 * e.dim * KEPT,
         f"a tree RAE batch: batch_size = {tree_batch} x data.max_length = {n} x 6 x dim"),
        (config.parser.batch_size * (n + 1) ** 2 * config.parser.hidden * 2 * KEPT,
         f"a parser batch's span table: parser.batch_size = {config.parser.batch_size} x "
         f"(data.max_length + 1)² x parser.hidden = {config.parser.hidden} x 2"),
    ]
    return sorted(pieces, reverse=True)


def machine_memory() -> int:
    """Bytes of physical memory."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def too_large(config, vocab_size: int | None = None, processes: int = 1) -> str | None:
    """Why the config cannot fit this machine's memory, or None when it can; with processes,
    that many of them at once (pretraining ranks, classify's jobs), each holding it all."""
    pieces = largest_tensors(config, vocab_size)
    each, available = sum(size for size, _ in pieces), machine_memory()
    total = each * processes
    if total <= available // 2:  # the data, the process and the other stage need the rest
        return None
    need = f"these settings need about {total / 2**30:.1f} GiB"
    if processes > 1:
        need = (f"{processes} processes of these settings need about {total / 2**30:.1f} GiB "
                f"({each / 2**30:.1f} GiB each)")
    return (f"{need}, more than half this machine's {available / 2**30:.1f} GiB; the largest "
            f"part is {pieces[0][1]} ({pieces[0][0] / 2**30:.1f} GiB)")
