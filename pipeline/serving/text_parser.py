"""The parser `make parser` learned (pipeline/parser.py), read back to give raw text its trees:
what lets the families that follow trees (tree, rntn, treelstm) answer a typed sentence."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch

from data.tasks import Task
from data.trees import LabelledTree
from data.vocab import Vocabulary
from models.span_parser import Sentence, SpanParser, SpanParserConfig
from pipeline.infra.artifacts import load_torch
from pipeline.infra.config import Config
from pipeline.infra.schema import VOCABULARY, expect, expect_state, tensors
from pipeline.serving.trained import saved_config
from training.parser import parse

Children = list[tuple[int, int]]


@dataclass(frozen=True)
class TextParser:
    model: SpanParser  # in eval mode
    vocab: Vocabulary
    config: Config  # the settings it was learned with ([parser], embeddings.dim)
    test_f1: float  # bracket F1 on SST's test trees, for model cards
    device: torch.device = torch.device("cpu")

    def to(self, device: torch.device) -> TextParser:
        return replace(self, model=self.model.to(device), device=device)

    def trees(self, words: list[list[str]]) -> list[Children]:
        """Tokenised sentences -> each one's binary tree (data/trees.py's children)."""
        return parse(self.model, [Sentence(self.vocab.encode(w), w) for w in words],
                     self.device)


def parsed_trees(parser: TextParser, tokens: list[list[str]], labels: np.ndarray,
                 max_length: int) -> list[LabelledTree[str]]:
    """Each sentence's tree from the parser, over its last max_length words (what the text
    models read too), its class on the root and no other label: what the families that follow
    trees learn from on a task without trees of its own. The parser learned SST's brackets,
    never a label."""
    words = [sentence[-max_length:] for sentence in tokens]
    return [LabelledTree(sentence, children, [-1] * (2 * len(sentence) - 2) + [int(label)])
            for sentence, children, label in zip(words, parser.trees(words), labels,
                                                 strict=True)]


def with_parsed_trees(task: Task, parser: TextParser, max_length: int) -> Task:
    """A task without trees (mr, subj, cr, mpqa, a user's) with parsed_trees."""
    return replace(task, trees=parsed_trees(parser, task.tokens, task.labels, max_length))


def build_parser(config: Config, vocab_size: int) -> SpanParser:
    p = config.parser
    return SpanParser(SpanParserConfig(vocab_size, config.embeddings.dim, p.lstm, p.layers,
                                       p.hidden, p.dropout, p.chars))


def build_text_parser(config: Config, vocab: Vocabulary, state: dict, test_f1: float,
                      path: Path, make_target: str) -> TextParser:
    """From a checked config and a state, checked first (one line naming `make_target`)."""
    model = build_parser(config, len(vocab))  # for real, as trained.build_trained does
    expect_state(state, model, path, make_target)
    model.load_state_dict(state)
    return TextParser(model.eval(), vocab, config, test_f1)


def load_text_parser(path: Path, make_target: str = "parser") -> TextParser:
    """parser.pt, every key and shape checked before anything is built."""
    saved = load_torch(path, make_target)
    expect(saved, path, make_target, kind=(str, lambda kind: kind == "parser", "parser"),
           vocab=VOCABULARY, model=(dict, tensors, "tensors"), config=dict, report=dict)
    vocab = Vocabulary(saved["vocab"])
    config = saved_config(saved["config"], len(vocab), path, make_target)
    return build_text_parser(config, vocab, saved["model"],
                             float(saved["report"]["rows"]["parser"]["f1"]), path, make_target)
