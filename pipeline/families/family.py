"""What an RAE family declares (Family), and what it gets to train one fold (FoldInputs)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from data.vocab import Vocabulary
from pipeline.infra.config import Config
from training.resume import Checkpoint

# Words of the training text that pretraining never saw start uniform in +-NEW_WORD_SCALE:
# the released code's scale for random word vectors, small beside the skip-gram vectors.
NEW_WORD_SCALE = 0.05


@dataclass
class FoldInputs:
    pretrained: dict  # pretrain.pt: vocabulary, word vectors, linear RAE
    config: Config
    device: torch.device
    vocab: Vocabulary  # the pretrained one, or it and the fold's training words
    parts: dict[str, tuple[list, np.ndarray]]  # train/dev/test: (inputs, sentence classes)
    classes: int
    seed: int  # the fold's own seed
    checkpoint: Checkpoint  # the fold's part of the stage's checkpoint

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    def word_vectors(self) -> torch.Tensor:
        """The skip-gram vectors that pretraining fed the linear RAE, one row per word of the
        fold's vocabulary (words pretraining lacks: small random rows, from torch's seed)."""
        pretrained = self.pretrained["encoder"]["embeddings.weight"]
        new_words = torch.empty(self.vocab_size - len(pretrained), pretrained.shape[1])
        return torch.cat([pretrained, new_words.uniform_(-NEW_WORD_SCALE, NEW_WORD_SCALE)])

    def start_from_word_vectors(self, embeddings: nn.Embedding) -> None:
        with torch.no_grad():
            embeddings.weight.copy_(self.word_vectors())

    def pretrained_encoder(self) -> dict[str, torch.Tensor]:
        """The pretrained linear RAE's parameters, its word vectors those of word_vectors()."""
        return {**self.pretrained["encoder"], "embeddings.weight": self.word_vectors()}

    def labels(self, parts: dict | None = None) -> dict[str, np.ndarray]:
        """{part: sentence classes} of the fold's parts, or of the `parts` given."""
        return {part: classes for part, (_, classes) in (parts or self.parts).items()}

    def refit_parts(self) -> dict[str, tuple[list, np.ndarray]]:
        """A refit's parts: train + dev as its training part, and the test part."""
        (train, train_labels), (dev, dev_labels) = self.parts["train"], self.parts["dev"]
        return {"train": (train + dev, np.concatenate([train_labels, dev_labels])),
                "test": self.parts["test"]}


@dataclass(frozen=True)
class Family:
    name: str  # MODEL=<name>; its artifacts are classify-<name>-<task>.pt, model-<name>-<task>.pt
    order: int  # its place among the families, in reports and in MODEL=all
    rows: tuple[str, ...]  # the report rows it makes, in order
    saved_row: str  # the row whose model `classify` saves (predict and phrase accuracy load it)
    datasets: tuple[str, ...]  # the data sets MODEL=all runs it on
    about: str  # how its rows are made, for the report
    build_model: Callable[[Config, int, int], nn.Module]  # (config, vocabulary size, classes)
    # -> ({row: test probabilities, curve, seconds, ...}, the saved row's model state)
    train_fold: Callable[[FoldInputs], tuple[dict, dict]]
    section: str  # its settings' section of the config ([classify], [greedy], ...)
    needs_trees: bool = False  # trains on the task's parse trees, not on word-id lists
    # Rows that only fit a head on another row's trained RAE: their time and training curve
    # are that row's, so the report counts and draws them once.
    reuses_training: tuple[str, ...] = ()

    @property
    def trained_rows(self) -> tuple[str, ...]:
        return tuple(row for row in self.rows if row not in self.reuses_training)
