"""What the phrase families (rntn, treelstm) share: a fold trained on the label of every
phrase and word of SST's trees, one model per word-vector start the config lists, the best
on dev kept (its epoch too, by early stopping); a sentence's class is the root's softmax.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import torch
from torch import nn

from pipeline.families.family import FoldInputs
from training.parse_tree import fold_predictions, train_phrase_tree
from training.supervised import best_on_dev


def pretrained_start(fold: FoldInputs, dim: int) -> torch.Tensor:
    """The fold's skip-gram (or VECTORS=) word vectors as `dim`-dimensional ones: themselves
    when their size is dim, else their projection on their first `dim` principal directions,
    scaled to the spread of the pretrained vectors."""
    vectors = fold.word_vectors()
    if vectors.shape[1] == dim:
        return vectors
    centred = vectors - vectors.mean(0)
    _, _, directions = torch.linalg.svd(centred, full_matrices=False)
    projected = centred @ directions[:dim].T
    return projected * (vectors.std() / projected.std())


def train_fold(fold: FoldInputs, row: str, build: Callable[[], nn.Module], section
               ) -> tuple[dict, dict]:
    """-> ({row: test root probabilities, every test node's predicted class, curve, the
    start dev picked, ...}, its model's state)."""
    start, trees = time.perf_counter(), fold.parts["train"][0]

    def new_model(words: str) -> nn.Module:
        model = build()
        if words == "pretrained":
            with torch.no_grad():
                model.embeddings.weight.copy_(pretrained_start(fold,
                                                               model.embeddings.embedding_dim))
        return model.to(fold.device)

    def train(model: nn.Module, words: str):
        return train_phrase_tree(model, trees, fold.parts["dev"], section, fold.seed,
                                 fold.device, fold.checkpoint.scope(f"{row}-{words}"))

    (words, model, curve), dev_accuracy = best_on_dev(section.word_starts, fold.seed, new_model,
                                                      train)
    result = {**fold_predictions(model, fold.parts["test"][0], fold.parts["dev"][0],
                                 fold.device),
              "curve": vars(curve), "word_start": words, "dev_accuracy": dev_accuracy,
              "seconds": time.perf_counter() - start}
    return {row: result}, model.state_dict()


