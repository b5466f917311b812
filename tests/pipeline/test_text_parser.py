"""A sentence task's trees from the parser: its own words, the sentence's class on the root."""

import numpy as np
import torch

from data.datasets import DataSet
from data.splits import Fold
from data.tasks import Task
from data.vocab import Vocabulary
from models.chart import tree_spans
from pipeline.infra.config import Config
from pipeline.serving.text_parser import TextParser, build_parser, with_parsed_trees


def _parser() -> TextParser:
    config = Config()
    config.embeddings.dim, config.parser.lstm, config.parser.hidden = 4, 4, 4
    torch.manual_seed(0)
    vocab = Vocabulary(["<pad>", "<unk>", "a", "good", "film"])
    return TextParser(build_parser(config, len(vocab)).eval(), vocab, config, 0.0)


def test_each_sentence_gets_the_parsers_tree_over_its_last_words_labelled_at_the_root():
    tokens = [["a", "good", "film"], ["film"], ["a"] * 9 + ["good", "film"]]
    task = Task(DataSet("mr", "mr", "mr"), "split", ("neg", "pos"), [" ".join(t) for t in tokens],
                tokens, np.array([1, 0, 1]), [Fold(np.array([0]), np.array([1]), np.array([2]))],
                {"fingerprint": "x"})
    parser = _parser()
    parsed = with_parsed_trees(task, parser, max_length=5)
    assert task.trees is None and parsed.tokens == tokens  # the task's own words are kept
    words = [["a", "good", "film"], ["film"], ["a", "a", "a", "good", "film"]]
    assert [tree.leaves for tree in parsed.trees] == words
    assert [tree.children for tree in parsed.trees] == parser.trees(words)
    for tree, label in zip(parsed.trees, task.labels, strict=True):
        assert tree.node_labels == [-1] * (len(tree.node_labels) - 1) + [int(label)]
        assert len(tree_spans(tree.children, len(tree.leaves))) == len(tree.leaves) - 1
