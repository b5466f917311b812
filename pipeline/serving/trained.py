"""A trained classifier with all it needs to read raw text: the model, its vocabulary, its class
names and settings. predict, the Python API, `make export` and `make serve` all answer through
it, so a sentence gets the same answer from each."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch
from nltk import Tree
from torch import nn

from data.batching import padded_batches
from data.tasks import TaskError
from data.tokenize import tokenize
from data.trees import LabelledTree
from data.vocab import UNK, Vocabulary
from models.classifier import GreedyRAEClassifier
from pipeline.families import Family
from pipeline.infra.artifacts import ArtifactError, NotACheckpoint, load_torch
from pipeline.infra.config import Config, ConfigError, parse_config
from pipeline.infra.schema import VOCABULARY, expect, expect_state, tensors, words
from training.inference import predict_proba
from training.parse_tree import node_probabilities

if TYPE_CHECKING:  # it reads configs through this module
    from pipeline.serving.text_parser import TextParser

BATCH = 256  # sentences per forward pass: memory stays bounded on endless input
# A text is tokenised from its last MAX_CHARACTERS only: the model reads its last max_length
# words anyway, and the tokenizer's regular expressions give up on multi-megabyte lines.
MAX_CHARACTERS = 200_000


def words_read(text: str, max_length: int) -> list[str]:
    """The tokens a model reads of a text: its last max_length (none: one <unk>)."""
    return tokenize(text[-MAX_CHARACTERS:])[-max_length:] or [UNK]


def texts_read(texts: Iterable[str], max_length: int) -> list[list[str]]:
    """words_read of each text; a plain function, so that another process can run it."""
    return [words_read(text, max_length) for text in texts]


class NodeLabel(str):
    """A tree node's predicted class name (what nltk prints), carrying its probability."""

    prob: float

    def __new__(cls, name: str, prob: float) -> NodeLabel:
        label = super().__new__(cls, name)
        label.prob = prob
        return label


@dataclass(frozen=True)
class TrainedModel:
    family: Family
    model: nn.Module  # in eval mode
    vocab: Vocabulary
    labels: list[str]  # class names, in the model's output order
    config: Config
    made_from: dict = field(default_factory=dict)  # dataset, protocol, digests, commit
    device: torch.device = torch.device("cpu")
    # A family that follows parse trees (tree, rntn, treelstm) reads text through a parser.
    parser: TextParser | None = None

    @property
    def max_length(self) -> int:
        return self.config.data.max_length

    @property
    def draws_trees(self) -> bool:
        return isinstance(self.model, GreedyRAEClassifier) or self.parser is not None

    def to(self, device: torch.device) -> TrainedModel:
        parser = self.parser.to(device) if self.parser is not None else None
        return replace(self, model=self.model.to(device), device=device, parser=parser)

    def words(self, text: str) -> list[str]:
        return words_read(text, self.max_length)

    def read(self, texts: Iterable[str]) -> list[list[str]]:
        return texts_read(texts, self.max_length)

    def probabilities(self, texts: Iterable[str]) -> np.ndarray:
        """(N, classes) class probabilities, in the order of `texts`."""
        return self.word_probabilities(self.read(texts))

    def word_probabilities(self, words: list[list[str]]) -> np.ndarray:
        """probabilities() of texts already read (read())."""
        if self.family.needs_trees:
            return torch.stack([nodes[-1] for nodes in self._parsed(words)[1]]).numpy()
        sentences = [self.vocab.encode(w) for w in words]
        return predict_proba(self.model, sentences, self.max_length, self.device, BATCH)

    def answers(self, texts: list[str], trees: bool = False) -> list[dict]:
        """{label, prob} per text, with `trees` (greedy RAE only) also "tree": the tree it
        builds, an nltk.Tree whose every node is a NodeLabel: its own softmax's class."""
        return self.answers_to(self.read(texts), trees)

    def answers_to(self, words: list[list[str]], trees: bool = False) -> list[dict]:
        """answers() of texts already read (read())."""
        if trees:
            return self._tree_answers(words)
        return [{"label": self.labels[int(p.argmax())], "prob": round(float(p.max()), 4)}
                for p in self.word_probabilities(words)]

    def _parsed(self, words: list[list[str]]) -> tuple[list, list[torch.Tensor]]:
        """A tree family's parsed trees of the sentences, and the node softmax of each tree's
        nodes (nodes, classes), in node order (words first, the root last)."""
        if self.parser is None:
            raise ValueError(f"the {self.family.name} model follows parse trees and has no "
                             f"parser to read text with; export it (`make export`), which "
                             f"puts the parser in its folder")
        trees = self.parser.trees(words)
        labelled = [LabelledTree(self.vocab.encode(w), children, [-1] * (2 * len(w) - 1))
                    for w, children in zip(words, trees, strict=True)]
        return trees, node_probabilities(self.model, labelled, self.device)

    def _parsed_tree_answers(self, words: list[list[str]]) -> list[dict]:
        answers = []
        for sentence, children, probs in zip(words, *self._parsed(words), strict=True):
            labels = [self._node_label(p) for p in probs]
            nodes = [Tree(label, [word])
                     for label, word in zip(labels[: len(sentence)], sentence, strict=True)]
            for (left, right), label in zip(children, labels[len(sentence):], strict=True):
                nodes.append(Tree(label, [nodes[left], nodes[right]]))
            best = int(probs[-1].argmax())
            answers.append({"label": self.labels[best], "prob": round(float(probs[-1, best]), 4),
                            "tree": nodes[-1]})
        return answers

    @torch.no_grad()
    def _tree_answers(self, words: list[list[str]]) -> list[dict]:
        if not self.draws_trees:
            raise ValueError(f"the {self.family.name} RAE builds no trees; use a greedy one")
        if self.parser is not None:
            return self._parsed_tree_answers(words)
        self.model.eval()
        answers: list[dict] = [{}] * len(words)
        sentences = [self.vocab.encode(w) for w in words]
        for batch, ids, lengths in padded_batches(sentences, BATCH, self.max_length,
                                                  self.device):
            logits, trees = self.model.infer(ids, lengths)
            probs = torch.softmax(logits, -1).cpu()
            node_probs = torch.softmax(self.model.rae.node_classifier(trees.parents), -1).cpu()
            merges = trees.merges.cpu()
            for row, i in enumerate(batch.tolist()):
                n, best = len(words[i]), int(probs[row].argmax())
                nodes = [self._node_label(p) for p in node_probs[row, : n - 1]]
                tree = (tree_of(words[i], merges[row, : n - 1].tolist(), nodes) if n > 1
                        else Tree(self._node_label(probs[row]), words[i]))
                answers[i] = {"label": self.labels[best], "prob": round(float(probs[row, best]), 4),
                              "tree": tree}
        return answers

    def _node_label(self, probs: torch.Tensor) -> NodeLabel:
        best = int(probs.argmax())
        return NodeLabel(self.labels[best], round(float(probs[best]), 4))


def tree_of(tokens: list[str], merges: list[int], node_labels: list[str]) -> Tree:
    """Replay the merges (at least one) on the words; each new node gets its label."""
    nodes: list = list(tokens)
    for k, label in zip(merges, node_labels, strict=True):
        nodes[k : k + 2] = [Tree(label, nodes[k : k + 2])]
    return nodes[0]


# What the model file `classify` saves records of how it was made (a model folder's config.json
# carries the same).
MADE_FROM = ("dataset", "protocol", "seed", "config_digest", "vocab_digest", "data_fingerprint")
LABELS = (list, lambda xs: words(xs) and len(set(xs)) == len(xs) >= 2,
          "two or more distinct class names")


def load_model(path: str | Path, family: Family, make_target: str, dataset: str | None = None,
               named: bool = False) -> TrainedModel:
    """The model `classify` saved for the family, in eval mode; every key, the embedded
    config and each parameter's shape are checked before anything is built. With `dataset`, a
    model trained on another data set is refused (its labels would answer a question that was
    not asked). `named`: the user named the file (--model), so a file torch cannot load is not
    called ours, and not to be deleted."""
    path = Path(path)
    try:
        saved = load_torch(path, make_target)
    except NotACheckpoint as err:
        if not named:
            raise
        raise ArtifactError(f"{path} is not a model file or folder this project writes "
                            f"({err.reason})", "pass a model folder from `make export` or a "
                            "model-*.pt from `make classify`") from None
    if saved.get("kind") != "model" or saved.get("family") != family.name:
        raise ArtifactError(f"{path} is not a {family.name} RAE classifier; "
                            f"run `make {make_target}`")
    expect(saved, path, make_target, config=dict, dataset=str, state=(dict, tensors, "tensors"),
           vocab=VOCABULARY, labels=LABELS)
    if dataset is not None and saved["dataset"] != dataset:
        raise TaskError(f"{path} was trained on {saved['dataset']}, not {dataset}; pass "
                        f"--dataset {saved['dataset']}, or a model trained on {dataset}")
    made_from = {key: saved[key] for key in MADE_FROM if key in saved}
    vocab = Vocabulary(saved["vocab"])
    config = saved_config(saved["config"], len(vocab), path, make_target)
    return build_trained(family, config, vocab, saved["labels"], saved["state"], path,
                         make_target, made_from)


def saved_config(values: dict, vocab_size: int, path: Path, make_target: str) -> Config:
    """A saved config, checked as a TOML file is (one line naming `make_target` if it does not
    fit this code)."""
    try:
        return parse_config(values, vocab_size)
    except ConfigError as err:
        raise ArtifactError(f"{path} holds a config this code cannot use ({err}); "
                            f"run `make {make_target}`") from None


def build_trained(family: Family, config: Config, vocab: Vocabulary, labels: list[str],
                  state: dict, path: Path, make_target: str, made_from: dict) -> TrainedModel:
    """The family's model from a checked config (saved_config) and a state, checked first (one
    line naming `make_target` if it does not fit this code)."""
    # Built for real before the check: the config has passed the memory check, and a skeleton
    # on the meta device ran initialisers that import torch's compiler, a second of predict's
    # start.
    model = family.build_model(config, len(vocab), len(labels))
    expect_state(state, model, path, make_target)
    model.load_state_dict(state)
    return TrainedModel(family, model.eval(), vocab, list(labels), config, made_from)
