"""Classify with the linear RAE: frozen encoder + head, and the fine-tuned encoder.

linear-rae-frozen: the pretrained encoder is fixed; only the head learns (what pretraining
alone captured). linear-rae-finetuned: word vectors, encoder and head train together on
alpha * reconstruction + (1 - alpha) * cross-entropy, with alpha picked on the fold's dev set.
"""

from __future__ import annotations

import time

import torch

from models.classifier import RAEClassifier
from models.word_rae import WordRAE
from pipeline.options import Run
from training.classifier import encode_codes, fine_tune, fit_head, predict_proba
from training.early_stopping import best_alpha
from training.resume import Checkpoint


def build_model(config: dict, vocab_size: int, classes: int) -> RAEClassifier:
    encoder = WordRAE(vocab_size, config["embeddings"]["dim"], config["rae"]["hidden"])
    return RAEClassifier(encoder, classes=classes, dropout=config["classify"]["dropout"])


def _pretrained(pretrained: dict, run: Run, classes: int) -> RAEClassifier:
    model = build_model(run.config.to_dict(), len(pretrained["vocab"]), classes)
    model.encoder.load_state_dict(pretrained["encoder"])
    return model.to(run.device)


def _frozen(pretrained: dict, run: Run, parts: dict, classes: int) -> dict:
    start = time.perf_counter()
    model = _pretrained(pretrained, run, classes)
    max_length = run.config.data.max_length
    codes = {name: encode_codes(model.encoder, sents, max_length, run.device)
             for name, (sents, _) in parts.items()}
    labels = {name: torch.as_tensor(y, device=run.device) for name, (_, y) in parts.items()}
    c = run.config.classify
    curve = fit_head(model.head, codes["train"], labels["train"], codes["dev"], labels["dev"],
                     c.head_epochs, c.head_lr, c.head_patience)
    with torch.no_grad():
        probs = torch.softmax(model.head(codes["test"]), -1).cpu()
    return {"probs": probs, "curve": vars(curve), "seconds": time.perf_counter() - start}


def _finetuned(pretrained: dict, run: Run, parts: dict, classes: int, fold_seed: int,
               checkpoint: Checkpoint) -> tuple[dict, dict]:
    start = time.perf_counter()
    c, max_length = run.config.classify, run.config.data.max_length

    def train_one(alpha):
        torch.manual_seed(fold_seed)  # same head initialisation for every alpha
        model = _pretrained(pretrained, run, classes)
        return model, fine_tune(model, parts["train"], parts["dev"], alpha, c.epochs,
                                c.batch_size, c.lr, c.clip_norm, c.patience, max_length,
                                fold_seed, run.device, checkpoint)

    (alpha, model, curve), dev_accuracy = best_alpha(c.alphas, train_one)
    probs = torch.from_numpy(predict_proba(model, parts["test"][0], max_length, run.device))
    result = {"probs": probs, "curve": vars(curve), "alpha": alpha, "dev_accuracy": dev_accuracy,
              "seconds": time.perf_counter() - start}
    return result, model.state_dict()


def train_fold(pretrained: dict, run: Run, parts: dict, classes: int, fold_seed: int,
               checkpoint: Checkpoint) -> tuple[dict, dict]:
    """-> ({row name: test probabilities, curve, seconds, ...}, the state predict loads).
    The fine-tuning loops resume from `checkpoint`; the frozen head is quick and reruns."""
    frozen = _frozen(pretrained, run, parts, classes)
    finetuned, state = _finetuned(pretrained, run, parts, classes, fold_seed, checkpoint)
    return {"linear-rae-frozen": frozen, "linear-rae-finetuned": finetuned}, state
