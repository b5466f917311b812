"""The greedy tree RAE (Socher et al. 2011), trained semi-supervised.

The RAE starts from the pretrained skip-gram vectors (family `greedy`) or from random word
vectors (family `greedy-random`, rows named greedy-rae-random*), and trains on
alpha * reconstruction + (1 - alpha) * cross-entropy at every merge (alpha picked on dev). Then
softmax heads are fit on the fixed tree features: greedy-rae reads [root; mean of all nodes]
(the released code's features), greedy-rae-top the root alone.
"""

from __future__ import annotations

import time
from dataclasses import replace
from functools import partial

import torch

from data.datasets import DATASETS, USER
from models.binary_tree_rae import TreeRAEConfig
from models.classifier import GreedyRAEClassifier
from models.greedy_rae import GreedyRAE
from pipeline.families.family import Family, FoldInputs
from pipeline.infra.config import Config
from training.greedy import train_greedy, tree_features
from training.head import head_probabilities, refit_head_probabilities
from training.schedule import Schedule
from training.supervised import best_alpha

# What each row's head reads of a sentence's tree.
FEATURES = {"": lambda top, mean: torch.cat([top, mean], -1), "-top": lambda top, mean: top}


def build_model(config: Config, vocab_size: int, classes: int, section: str = "greedy"
                ) -> GreedyRAEClassifier:
    rae = GreedyRAE(TreeRAEConfig(vocab_size, config.embeddings.dim, classes,
                                  normalise_leaves=getattr(config, section).normalise_leaves))
    return GreedyRAEClassifier(rae, classes)


def _new_model(fold: FoldInputs, pretrained_words: bool, section: str) -> GreedyRAEClassifier:
    model = build_model(fold.config, fold.vocab_size, fold.classes, section)
    init_scale = getattr(getattr(fold.config, section), "init_scale", 0.0)
    if pretrained_words:
        fold.start_from_word_vectors(model.rae.embeddings)
    elif init_scale:
        with torch.no_grad():
            model.rae.embeddings.weight.uniform_(-init_scale, init_scale)
    return model.to(fold.device)


def _train_rae(fold: FoldInputs, model: GreedyRAEClassifier, train, dev, alpha: float,
               section: str, schedule: Schedule, checkpoint):
    g = getattr(fold.config, section)
    return train_greedy(model.rae, train, dev, alpha, schedule, fold.config.data.max_length,
                        fold.seed, fold.device, checkpoint, g.word_weight)


def _fit_rae(fold: FoldInputs, pretrained_words: bool, section: str):
    g = getattr(fold.config, section)
    return best_alpha(g.alphas, fold.seed, lambda: _new_model(fold, pretrained_words, section),
                      lambda model, alpha: _train_rae(fold, model, fold.parts["train"],
                                                      fold.parts["dev"], alpha, section,
                                                      g.schedule, fold.checkpoint))


def _refit_rae(fold: FoldInputs, train, pretrained_words: bool, section: str, alpha: float,
               epochs: int) -> GreedyRAEClassifier:
    """The RAE trained again, from the same start, on `train` for the epochs dev chose."""
    torch.manual_seed(fold.seed)
    model = _new_model(fold, pretrained_words, section)
    schedule = replace(getattr(fold.config, section).schedule, epochs=epochs)
    _train_rae(fold, model, train, None, alpha, section, schedule,
               fold.checkpoint.scope("refit"))
    return model


def _features(model: GreedyRAEClassifier, parts: dict, fold: FoldInputs) -> dict:
    """{part: (top nodes, mean of all nodes)} of each part's sentences."""
    return {part: tree_features(model.rae, sentences, fold.config.data.max_length, fold.device)
            for part, (sentences, _) in parts.items()}


def _new_head(fold: FoldInputs, width: int) -> torch.nn.Linear:
    """A softmax head on `width` features, the same start for the first fit and the refit."""
    torch.manual_seed(fold.seed)
    return torch.nn.Linear(width, fold.classes).to(fold.device)


def train_fold(fold: FoldInputs, row: str, pretrained_words: bool, section: str
               ) -> tuple[dict, dict]:
    """The RAE's training loops resume from the fold's checkpoint; the heads are quick and
    rerun. With `refit`, dev picks alpha, the epochs and the heads' steps; the test
    probabilities come from an RAE and heads trained again on train + dev with those, and
    the dev probabilities (which fusion weighs on) from the first."""
    start = time.perf_counter()
    (alpha, model, curve), dev_accuracy = _fit_rae(fold, pretrained_words, section)
    trees = _features(model, fold.parts, fold)
    refit = None
    if getattr(fold.config, section).refit:
        refit_parts = fold.refit_parts()
        refit = _refit_rae(fold, refit_parts["train"], pretrained_words, section, alpha,
                           curve.best_epoch + 1)
        refit_trees = _features(refit, refit_parts, fold)
    rae_seconds = time.perf_counter() - start
    tested = model if refit is None else refit  # the model whose test predictions are kept
    c = fold.config.classify
    rows = {}
    for suffix, pick in FEATURES.items():
        head_start = time.perf_counter()
        features = {part: pick(*tree) for part, tree in trees.items()}
        head = _new_head(fold, features["train"].shape[1])
        probs, head_curve = head_probabilities(head, features, fold.labels(), c.head_epochs,
                                               c.head_lr, c.head_patience)
        test_probs = probs["test"]
        if refit is not None:
            head = _new_head(fold, features["train"].shape[1])
            test_probs = refit_head_probabilities(
                head, {part: pick(*tree) for part, tree in refit_trees.items()},
                fold.labels(refit_parts), head_curve.best_epoch + 1, c.head_lr)
        rows[row + suffix] = {"probs": test_probs, "dev_probs": probs["dev"],
                              "curve": vars(curve), "alpha": alpha,
                              "dev_accuracy": dev_accuracy, "refit": refit is not None,
                              "seconds": rae_seconds + time.perf_counter() - head_start}
        if suffix == "":
            tested.head.load_state_dict(head.state_dict())
    return rows, tested.state_dict()


def _family(name: str, order: int, row: str, pretrained_words: bool, datasets: tuple[str, ...],
            about: str) -> Family:
    section = name.replace("-", "_")  # its config section: [greedy], [greedy_random]
    return Family(name=name, order=order, rows=(row, f"{row}-top"), saved_row=row,
                  datasets=datasets, about=about, section=section,
                  build_model=partial(build_model, section=section),
                  train_fold=partial(train_fold, row=row, pretrained_words=pretrained_words,
                                     section=section),
                  reuses_training=(f"{row}-top",))


FAMILIES = (
    _family("greedy", 20, "greedy-rae", True, (*DATASETS, USER),
            "greedy-rae: the greedy tree RAE from the skip-gram vectors, a head on [root; mean "
            "of all nodes] of its trees; greedy-rae-top: the same trees, the root alone."),
    _family("greedy-random", 30, "greedy-rae-random", False, ("mr",),
            "greedy-rae-random(-top): the same from random word vectors."),
)
