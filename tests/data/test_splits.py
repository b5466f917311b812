import numpy as np
import pytest

from data.splits import content_key, make_folds


def _corpus(n_per_class=60):
    texts = [f"sentence {i} is {'good' if i % 2 else 'bad'} ." for i in range(2 * n_per_class)]
    labels = [i % 2 for i in range(2 * n_per_class)]
    return texts, labels


@pytest.mark.parametrize("protocol, count", [("split", 1), ("cv10", 10)])
def test_folds_are_disjoint_cover_everything_and_stratified(protocol, count):
    texts, labels = _corpus()
    folds = make_folds(texts, labels, protocol, seed=0)
    assert len(folds) == count
    labels = np.asarray(labels)
    for fold in folds:
        parts = [fold.train, fold.dev, fold.test]
        assert sum(map(len, parts)) == len(texts)
        assert len(np.unique(np.concatenate(parts))) == len(texts)
        for part in parts:
            assert abs(labels[part].mean() - 0.5) < 0.05  # classes balanced in every part
        assert len(fold.test) == len(texts) // 10 and len(fold.dev) == len(texts) // 10
    if protocol == "cv10":  # every sentence is tested exactly once
        tested = np.sort(np.concatenate([f.test for f in folds]))
        assert np.array_equal(tested, np.arange(len(texts)))


def test_folds_depend_on_content_not_order_or_encoding():
    texts, labels = _corpus()
    texts[3] = "a \x93quoted\x94 film\x85 with caf\xe9 seats"  # cp1252-style characters
    folds = make_folds(texts, labels, "cv10", seed=4)
    # The same sentences from another source: shuffled, with curly quotes and ellipsis as
    # plain ASCII (how some re-encodings of MR store them).
    order = np.random.default_rng(1).permutation(len(texts))
    other_texts = [texts[i] for i in order]
    other_texts[list(order).index(3)] = 'a "quoted" film with cafe seats'
    other_folds = make_folds(other_texts, [labels[i] for i in order], "cv10", seed=4)
    for fold, other in zip(folds, other_folds, strict=True):
        for part in ("train", "dev", "test"):
            mine = sorted(content_key(texts[i]) for i in getattr(fold, part))
            theirs = sorted(content_key(other_texts[i]) for i in getattr(other, part))
            assert mine == theirs


def test_seed_changes_the_folds_and_same_seed_repeats_them():
    texts, labels = _corpus()
    first = make_folds(texts, labels, "split", seed=0)[0].test
    assert np.array_equal(first, make_folds(texts, labels, "split", seed=0)[0].test)
    assert not np.array_equal(first, make_folds(texts, labels, "split", seed=1)[0].test)
