"""What the tests share: a small slice of the real data sets, laid out like RAE_DATA_DIR, for the
integration tests; random binary trees for the tree models' tests.

Those tests need RAE_DATA_DIR: without it the run stops before any test, saying so, rather
than skipping them (a green run must mean they ran). `make test-fast` selects none of them.
"""

import os
import zipfile
from pathlib import Path

import numpy as np
import pytest

from data.line_sets import LINE_SETS
from data.trees import LabelledTree

MR_LINES = 150  # per class
LINE_SET_LINES = 60  # per class, SUBJ, CR and MPQA
REVIEWS = 30  # per class
SST_TREES = {"train": 200, "dev": 60, "test": 60}


def pytest_collection_finish(session) -> None:
    needing = [item for item in session.items if "data_slice" in getattr(item, "fixturenames", ())]
    if needing and not os.environ.get("RAE_DATA_DIR"):
        pytest.exit(f"{len(needing)} selected tests read a slice of the real data sets: set "
                    f"RAE_DATA_DIR to a folder laid out as docs/data.md shows, or run "
                    f"`make test-fast`", returncode=4)


def _real_data_dir() -> Path:
    return Path(os.environ["RAE_DATA_DIR"])


@pytest.fixture(scope="session")
def data_slice(tmp_path_factory) -> Path:
    source = _real_data_dir()
    target = tmp_path_factory.mktemp("data")
    (target / "mr").mkdir()
    for name in ("rt-polarity.pos", "rt-polarity.neg"):
        lines = (source / "mr" / name).read_bytes().split(b"\n")[:MR_LINES]
        (target / "mr" / name).write_bytes(b"\n".join(lines) + b"\n")
    for name in ("subj", "cr", "mpqa"):
        (target / name).mkdir()
        for file in LINE_SETS[name].files.values():
            lines = (source / name / file).read_bytes().split(b"\n")[:LINE_SET_LINES]
            (target / name / file).write_bytes(b"\n".join(lines) + b"\n")
    (target / "movie_reviews").mkdir()
    with zipfile.ZipFile(source / "movie_reviews" / "movie_reviews.zip") as original, \
            zipfile.ZipFile(target / "movie_reviews" / "movie_reviews.zip", "w") as sliced:
        for label in ("pos", "neg"):
            names = sorted(n for n in original.namelist() if f"/{label}/" in n)[:REVIEWS]
            for name in names:
                sliced.writestr(name, original.read(name))
    (target / "sst").mkdir()
    for split, count in SST_TREES.items():
        lines = (source / "sst" / f"{split}.txt").read_bytes().split(b"\n")[:count]
        (target / "sst" / f"{split}.txt").write_bytes(b"\n".join(lines) + b"\n")
    return target


def _random_tree(rng: np.random.Generator, words: int, vocab: int) -> LabelledTree[int]:
    """Random binary bracketing of `words` words, built by merging random neighbours."""
    nodes, children = list(range(words)), []
    while len(nodes) > 1:
        k = int(rng.integers(len(nodes) - 1))
        children.append((nodes[k], nodes[k + 1]))
        nodes[k : k + 2] = [words + len(children) - 1]
    labels = rng.integers(-1, 2, 2 * words - 1).tolist()
    return LabelledTree(rng.integers(2, vocab, words).tolist(), children, labels)


@pytest.fixture
def random_tree():
    """random_tree(rng, words, vocab): a random binary tree over random word ids."""
    return _random_tree
