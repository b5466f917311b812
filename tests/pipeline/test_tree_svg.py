"""The page's tree drawing: one coloured node per merge, words as escaped text."""

import re

from nltk import Tree

from pipeline.serving.trained import NodeLabel
from pipeline.serving.web.tree_svg import PALETTE, class_colours, tree_svg


def _tree(words, labels):
    """A left-branching tree over the words, node i labelled labels[i]."""
    tree = words[0]
    for word, (label, prob) in zip(words[1:], labels, strict=True):
        tree = Tree(NodeLabel(label, prob), [tree, word])
    return tree


def test_every_node_is_coloured_by_its_own_class_and_sureness():
    svg = tree_svg(_tree(["not", "bad", "at", "all"],
                         [("neg", 0.9), ("pos", 0.6), ("pos", 1.0)]), ["neg", "pos"])
    nodes = re.findall(r'<circle class="node"[^>]*fill="([^"]+)" fill-opacity="([^"]+)" '
                       r'data-label="([^"]+)"', svg)
    assert sorted(nodes) == sorted([(PALETTE[0], "0.86", "neg"), (PALETTE[-1], "0.44", "pos"),
                                    (PALETTE[-1], "1.0", "pos")])
    assert re.findall(r'<text class="word"[^>]*>([^<]*)</text>', svg) == ["not", "bad", "at", "all"]


def test_typed_markup_is_drawn_as_text():
    svg = tree_svg(_tree(["<script>", "&amp;", '"x"'], [("neg", 0.7), ("pos", 0.7)]),
                   ["neg", "pos"])
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&amp;amp;" in svg
    assert "&quot;x&quot;" in svg


def test_classes_spread_over_the_palette():
    assert class_colours(["neg", "pos"]) == {"neg": PALETTE[0], "pos": PALETTE[-1]}
    assert list(class_colours(["very neg", "neg", "neutral", "pos", "very pos"]).values()) == \
        list(PALETTE)
    assert list(class_colours(["a", "b", "c"]).values()) == [PALETTE[0], PALETTE[2], PALETTE[4]]
