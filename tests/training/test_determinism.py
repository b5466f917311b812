"""The same seed gives the same model: pretraining and fine-tuning repeat exactly."""

import numpy as np
import pytest
import torch

from models.classifier import LinearRAEClassifier
from models.word_rae import WordRAE
from training.linear import fine_tune
from training.rae_pretrain import pretrain_rae
from training.schedule import Schedule
from training.skipgram import train_skipgram

CPU = torch.device("cpu")


def _train(seed: int) -> dict:
    rng = np.random.default_rng(0)
    sentences = [rng.integers(2, 40, rng.integers(2, 9)).tolist() for _ in range(120)]
    labels = np.array([int(s[-1] < 20) for s in sentences])
    torch.manual_seed(seed)
    vectors, _ = train_skipgram(sentences, 40, 8, 2, 2, 1e-3, 1, 256, 1e-2, seed, CPU)
    encoder = WordRAE(40, 8, 12)
    with torch.no_grad():
        encoder.embeddings.weight.copy_(vectors)
    pretrain_rae(encoder, sentences, 2, 16, 1e-2, 10, seed, CPU)
    model = LinearRAEClassifier(encoder, dropout=0.3)
    fine_tune(model, (sentences[:80], labels[:80]), (sentences[80:], labels[80:]), alpha=0.2,
              schedule=Schedule(epochs=2, patience=2, batch_size=16, lr=1e-2, clip_norm=1.0),
              max_length=10, seed=seed, device=CPU)
    return model.state_dict()


@pytest.mark.slow
def test_same_seed_same_parameters_other_seed_other_parameters():
    first, again, other = _train(0), _train(0), _train(1)
    assert all(torch.equal(first[k], again[k]) for k in first)
    assert not all(torch.equal(first[k], other[k]) for k in first)
