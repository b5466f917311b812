"""Stratified train/dev/test splits, fixed by a seed and by the sentences' content.

Fold membership is decided from a normalised key of each sentence (its letters and digits),
never from file order or encoding, so MR read from the original cp1252 files and MR from the
Hugging Face hub get the same folds.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

import numpy as np

PROTOCOLS = ("split", "cv10")


@dataclass(frozen=True)
class Fold:
    train: np.ndarray  # sentence indices
    dev: np.ndarray
    test: np.ndarray


def content_key(text: str) -> str:
    """Hash of the ASCII letters and digits left after splitting accents off (é -> e)."""
    folded = unicodedata.normalize("NFKD", text.lower())
    kept = "".join(ch for ch in folded if ch.isascii() and ch.isalnum())
    return hashlib.sha1(kept.encode()).hexdigest()


def assign_parts(keys: list[str], labels: list[int], parts: int, seed: int) -> np.ndarray:
    """Part number (0..parts-1) per sentence; every class is dealt round-robin over the parts
    in a seeded order of its sorted keys, so part sizes per class differ by at most one."""
    labels = np.asarray(labels)
    part = np.empty(len(keys), dtype=np.int64)
    rng = np.random.default_rng(seed)
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        members = members[np.argsort([keys[i] for i in members], kind="stable")]
        members = members[rng.permutation(len(members))]
        part[members] = np.arange(len(members)) % parts
    return part


def make_folds(texts: list[str], labels: list[int], protocol: str, seed: int) -> list[Fold]:
    """`split`: one 80/10/10 train/dev/test split. `cv10`: ten folds; fold k tests on part k,
    and carves its dev set from the training part (part k+1), as in Socher et al. 2011."""
    if protocol not in PROTOCOLS:
        raise ValueError(f"protocol must be one of {PROTOCOLS}, got {protocol!r}")
    part = assign_parts([content_key(t) for t in texts], labels, 10, seed)
    tests = [0] if protocol == "split" else range(10)
    folds = []
    for k in tests:
        dev_part = (k + 1) % 10
        folds.append(Fold(train=np.flatnonzero((part != k) & (part != dev_part)),
                          dev=np.flatnonzero(part == dev_part),
                          test=np.flatnonzero(part == k)))
    return folds
