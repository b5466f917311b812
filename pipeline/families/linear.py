"""The linear RAE: frozen encoder + head, and the fine-tuned encoder.

linear-rae-frozen: the pretrained encoder is fixed; only the head learns (what pretraining
alone captured). linear-rae-finetuned: word vectors, encoder and head train together on
alpha * reconstruction + (1 - alpha) * cross-entropy, with alpha picked on the fold's dev set.
"""

from __future__ import annotations

import time
from dataclasses import replace

import torch

from data.datasets import DATASETS, USER
from models.classifier import LinearRAEClassifier
from models.word_rae import WordRAE
from pipeline.families.family import Family, FoldInputs
from pipeline.infra.config import Config
from training.head import head_probabilities, refit_head_probabilities
from training.inference import predict_proba
from training.linear import encode_features, fine_tune
from training.supervised import best_alpha


def build_model(config: Config, vocab_size: int, classes: int) -> LinearRAEClassifier:
    encoder = WordRAE(vocab_size, config.embeddings.dim, config.rae.hidden)
    return LinearRAEClassifier(encoder, classes=classes, dropout=config.classify.dropout,
                         mean_states=config.classify.mean_states)


def _pretrained(fold: FoldInputs) -> LinearRAEClassifier:
    model = build_model(fold.config, fold.vocab_size, fold.classes)
    model.encoder.load_state_dict(fold.pretrained_encoder())
    return model.to(fold.device)


def _frozen(fold: FoldInputs) -> dict:
    """With `refit`, a head trained on train + dev codes for the steps dev chose is tested."""
    start, c = time.perf_counter(), fold.config.classify
    model = _pretrained(fold)
    codes = {part: encode_features(model, sentences, fold.config.data.max_length, fold.device)
             for part, (sentences, _) in fold.parts.items()}
    probs, curve = head_probabilities(model.head, codes, fold.labels(), c.head_epochs, c.head_lr,
                                      c.head_patience)
    if c.refit:  # the encoder is fixed: train + dev's codes are the ones just computed
        refit_codes = {"train": torch.cat([codes["train"], codes["dev"]]), "test": codes["test"]}
        torch.manual_seed(fold.seed)
        probs["test"] = refit_head_probabilities(
            torch.nn.Linear(model.head.in_features, fold.classes).to(fold.device), refit_codes,
            fold.labels(fold.refit_parts()), curve.best_epoch + 1, c.head_lr)
    return {"probs": probs["test"], "dev_probs": probs["dev"], "curve": vars(curve),
            "refit": c.refit, "seconds": time.perf_counter() - start}


def _finetuned(fold: FoldInputs) -> tuple[dict, dict]:
    """With `refit`, the model tested is trained again from the same start on train + dev,
    with the alpha and epochs dev chose; the dev probabilities are the first model's."""
    start = time.perf_counter()
    c, max_length = fold.config.classify, fold.config.data.max_length

    def train(model, alpha, train, dev, schedule, checkpoint):
        return fine_tune(model, train, dev, alpha, schedule, max_length, fold.seed, fold.device,
                         checkpoint)

    (alpha, model, curve), dev_accuracy = best_alpha(
        c.alphas, fold.seed, lambda: _pretrained(fold),
        lambda model, alpha: train(model, alpha, fold.parts["train"], fold.parts["dev"],
                                   c.schedule, fold.checkpoint))
    probs = {part: torch.from_numpy(predict_proba(model, fold.parts[part][0], max_length,
                                                  fold.device)) for part in ("dev", "test")}
    if c.refit:
        torch.manual_seed(fold.seed)
        model = _pretrained(fold)
        train(model, alpha, fold.refit_parts()["train"], None,
              replace(c.schedule, epochs=curve.best_epoch + 1), fold.checkpoint.scope("refit"))
        probs["test"] = torch.from_numpy(predict_proba(model, fold.parts["test"][0], max_length,
                                                       fold.device))
    result = {"probs": probs["test"], "dev_probs": probs["dev"], "curve": vars(curve),
              "alpha": alpha, "dev_accuracy": dev_accuracy, "refit": c.refit,
              "seconds": time.perf_counter() - start}
    return result, model.state_dict()


def train_fold(fold: FoldInputs) -> tuple[dict, dict]:
    """The fine-tuning loops resume from the fold's checkpoint; the frozen head is quick and
    reruns."""
    frozen = _frozen(fold)
    finetuned, state = _finetuned(fold)
    return {"linear-rae-frozen": frozen, "linear-rae-finetuned": finetuned}, state


FAMILIES = (Family(
    name="linear", order=10, rows=("linear-rae-frozen", "linear-rae-finetuned"),
    saved_row="linear-rae-finetuned", datasets=(*DATASETS, USER),
    about="linear-rae-frozen: a head on the pretrained left-to-right RAE's final code; "
          "linear-rae-finetuned: word vectors, RAE and head trained together.",
    section="classify", build_model=build_model, train_fold=train_fold),)
