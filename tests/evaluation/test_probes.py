import numpy as np
import pytest

from data.sst import parse_tree
from data.tokenize import tokenize
from evaluation.probes import asks, bracketed_tree, load_probes, score

KINDS = {"negated positive", "negated negative", "but", "intensified", "softened",
         "double negation"}


def test_the_probe_file_holds_every_kind_both_ways_and_reads_as_it_tokenises():
    probes = load_probes()
    assert len(probes) >= 40 and {p.kind for p in probes} == KINDS
    assert {p.polarity for p in probes if p.kind in ("but", "double negation")} == {"neg", "pos"}
    for probe in probes:
        assert tokenize(probe.text) == probe.tree.leaves, probe.text
        assert len(probe.tree.children) == len(probe.tree.leaves) - 1


def test_a_bracketed_tree_is_numbered_as_sst_numbers_its_trees():
    ours = bracketed_tree("((not bad) (at (all ,)))")
    sst = parse_tree("(3 (2 (2 not) (2 bad)) (2 (2 at) (2 (2 all) (2 ,))))")
    assert (ours.leaves, ours.children) == (sst.leaves, sst.children)
    with pytest.raises(ValueError, match="not a binary tree"):
        bracketed_tree("(a b c)")


def test_a_neutral_answer_is_wrong_and_kinds_are_scored_apart():
    probes = [p for p in load_probes() if p.kind == "softened"][:2]  # pos, then neg
    classes = ("very neg", "neg", "neutral", "pos", "very pos")
    said = score(probes, np.array([[0, 0, 0.1, 0.2, 0.7], [0, 0, 0.9, 0.1, 0]]), classes)
    assert said["accuracy"] == 0.5 and said["by_kind"] == {"softened": 0.5}
    assert [a["right"] for a in said["answers"]] == [True, False]
    assert asks(classes) and asks(("neg", "pos")) and not asks(("obj", "subj"))
