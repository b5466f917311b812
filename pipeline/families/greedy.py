"""The greedy tree RAE (Socher et al. 2011), trained semi-supervised.

The RAE starts from the pretrained skip-gram vectors (family `greedy`) or from random word
vectors (family `greedy-random`, rows named greedy-rae-random*), and trains on
alpha * reconstruction + (1 - alpha) * cross-entropy at every merge (alpha picked on dev). Then
softmax heads are fit on the fixed tree features: greedy-rae reads [root; mean of all nodes]
(the released code's features), greedy-rae-top the root alone.
"""

from __future__ import annotations

import time
from functools import partial

import torch

from data.tasks import DATASETS
from models.binary_tree_rae import TreeRAEConfig
from models.classifier import GreedyRAEClassifier
from models.greedy_rae import GreedyRAE
from pipeline.families.family import Family, FoldInputs
from pipeline.infra.config import Config
from training.greedy import train_greedy, tree_features
from training.head import head_probabilities
from training.supervised import best_alpha

# What each row's head reads of a sentence's tree.
FEATURES = {"": lambda top, mean: torch.cat([top, mean], -1), "-top": lambda top, mean: top}


def build_model(config: Config, vocab_size: int, classes: int, section: str = "greedy"
                ) -> GreedyRAEClassifier:
    rae = GreedyRAE(TreeRAEConfig(vocab_size, config.embeddings.dim, classes,
                                  normalise_leaves=getattr(config, section).normalise_leaves))
    return GreedyRAEClassifier(rae, classes)


def _fit_rae(fold: FoldInputs, pretrained_words: bool, section: str):
    g, max_length = getattr(fold.config, section), fold.config.data.max_length

    def new_model():
        model = build_model(fold.config, fold.vocab_size, fold.classes, section)
        if pretrained_words:
            fold.start_from_word_vectors(model.rae.embeddings)
        elif g.init_scale:
            with torch.no_grad():
                model.rae.embeddings.weight.uniform_(-g.init_scale, g.init_scale)
        return model.to(fold.device)

    return best_alpha(g.alphas, fold.seed, new_model,
                      lambda model, alpha: train_greedy(
                          model.rae, fold.parts["train"], fold.parts["dev"], alpha, g.schedule,
                          max_length, fold.seed, fold.device, fold.checkpoint, g.word_weight))


def train_fold(fold: FoldInputs, row: str, pretrained_words: bool, section: str
               ) -> tuple[dict, dict]:
    """The RAE's training loops resume from the fold's checkpoint; the heads are quick and
    rerun."""
    start = time.perf_counter()
    (alpha, model, curve), dev_accuracy = _fit_rae(fold, pretrained_words, section)
    rae_seconds = time.perf_counter() - start
    c = fold.config.classify
    trees = {part: tree_features(model.rae, sentences, fold.config.data.max_length, fold.device)
             for part, (sentences, _) in fold.parts.items()}
    rows = {}
    for suffix, pick in FEATURES.items():
        head_start = time.perf_counter()
        features = {part: pick(*tree) for part, tree in trees.items()}
        torch.manual_seed(fold.seed)
        head = torch.nn.Linear(features["train"].shape[1], fold.classes).to(fold.device)
        probs, _ = head_probabilities(head, features, fold.labels(), c.head_epochs, c.head_lr,
                                      c.head_patience)
        rows[row + suffix] = {"probs": probs["test"], "dev_probs": probs["dev"],
                              "curve": vars(curve), "alpha": alpha,
                               "dev_accuracy": dev_accuracy,
                               "seconds": rae_seconds + time.perf_counter() - head_start}
        if suffix == "":
            model.head.load_state_dict(head.state_dict())
    return rows, model.state_dict()


def _family(name: str, order: int, row: str, pretrained_words: bool, datasets: tuple[str, ...],
            about: str) -> Family:
    section = name.replace("-", "_")  # its config section: [greedy], [greedy_random]
    return Family(name=name, order=order, rows=(row, f"{row}-top"), saved_row=row,
                  datasets=datasets, about=about,
                  build_model=partial(build_model, section=section),
                  train_fold=partial(train_fold, row=row, pretrained_words=pretrained_words,
                                     section=section),
                  reuses_training=(f"{row}-top",))


FAMILIES = (
    _family("greedy", 20, "greedy-rae", True, DATASETS,
            "greedy-rae: the greedy tree RAE from the skip-gram vectors, a head on [root; mean "
            "of all nodes] of its trees; greedy-rae-top: the same trees, the root alone."),
    _family("greedy-random", 30, "greedy-rae-random", False, ("mr",),
            "greedy-rae-random(-top): the same from random word vectors."),
)
