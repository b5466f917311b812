"""Classify with the greedy tree RAE (Socher et al. 2011), trained semi-supervised.

The RAE starts from the pretrained skip-gram vectors (family `greedy`) or from random word
vectors (family `greedy-random`, rows named greedy-rae-random*), and trains on
alpha * reconstruction + (1 - alpha) * cross-entropy at every merge (alpha picked on dev). Then
softmax heads are fit on the fixed tree features: greedy-rae reads [root; mean of all nodes]
(the released code's features), greedy-rae-top the root alone.
"""

from __future__ import annotations

import time

import torch

from models.classifier import GreedyRAEClassifier
from models.greedy_rae import GreedyRAE, GreedyRAEConfig
from pipeline.options import Run
from training.classifier import fit_head
from training.early_stopping import best_alpha
from training.greedy import train_greedy, tree_features
from training.resume import Checkpoint


def build_model(config: dict, vocab_size: int, classes: int) -> GreedyRAEClassifier:
    dim = config["embeddings"]["dim"]
    return GreedyRAEClassifier(GreedyRAE(GreedyRAEConfig(vocab_size, dim, classes)), classes)


def _fit_rae(pretrained: dict, run: Run, parts: dict, classes: int, fold_seed: int,
             checkpoint: Checkpoint, pretrained_words: bool):
    g, max_length = run.config.greedy, run.config.data.max_length

    def train_one(alpha):
        torch.manual_seed(fold_seed)
        model = build_model(run.config.to_dict(), len(pretrained["vocab"]), classes)
        if pretrained_words:
            with torch.no_grad():
                model.rae.embeddings.weight.copy_(pretrained["encoder"]["embeddings.weight"])
        model.to(run.device)
        return model, train_greedy(model.rae, parts["train"], parts["dev"], alpha, g.epochs,
                                   g.batch_size, g.lr, g.clip_norm, g.patience, max_length,
                                   fold_seed, run.device, checkpoint)

    return best_alpha(g.alphas, train_one)


def train_fold(pretrained: dict, run: Run, parts: dict, classes: int, fold_seed: int,
               checkpoint: Checkpoint, pretrained_words: bool = True) -> tuple[dict, dict]:
    """-> ({row name: test probabilities, curve, seconds, ...}, the state predict loads).
    The RAE's training loops resume from `checkpoint`; the heads are quick and rerun."""
    start = time.perf_counter()
    (alpha, model, curve), dev_accuracy = _fit_rae(pretrained, run, parts, classes, fold_seed,
                                                   checkpoint, pretrained_words)
    name = "greedy-rae" if pretrained_words else "greedy-rae-random"
    rae_seconds = time.perf_counter() - start
    max_length, c = run.config.data.max_length, run.config.classify
    features = {name: tree_features(model.rae, sents, max_length, run.device)
                for name, (sents, _) in parts.items()}
    labels = {name: torch.as_tensor(y, device=run.device) for name, (_, y) in parts.items()}
    rows, state = {}, None
    for row, pick in ((name, lambda top, mean: torch.cat([top, mean], -1)),
                      (f"{name}-top", lambda top, mean: top)):
        head_start = time.perf_counter()
        x = {name: pick(*f) for name, f in features.items()}
        torch.manual_seed(fold_seed)
        head = torch.nn.Linear(x["train"].shape[1], classes).to(run.device)
        head_curve = fit_head(head, x["train"], labels["train"], x["dev"], labels["dev"],
                              c.head_epochs, c.head_lr, c.head_patience)
        with torch.no_grad():
            probs = torch.softmax(head(x["test"]), -1).cpu()
        rows[row] = {"probs": probs, "curve": vars(curve), "head_curve": vars(head_curve),
                     "alpha": alpha, "dev_accuracy": dev_accuracy,
                     "seconds": rae_seconds + time.perf_counter() - head_start}
        if row == name:
            model.head.load_state_dict(head.state_dict())
            state = model.state_dict()
    return rows, state
