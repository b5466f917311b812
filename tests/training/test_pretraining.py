"""Pretraining learns something: codes are informative and the inputs cannot shrink."""

import numpy as np
import pytest
import torch

from data.batching import pad
from evaluation.unroll import recovery_by_position
from models.word_rae import WordRAE
from training.rae_pretrain import mean_token_error, pretrain_rae
from training.skipgram import train_skipgram

CPU = torch.device("cpu")


def _corpus(seed=0, vocab=30, count=400):
    rng = np.random.default_rng(seed)
    return [rng.integers(2, vocab, rng.integers(3, 8)).tolist() for _ in range(count)]


@pytest.mark.slow
def test_pretrained_code_recovers_the_last_words_and_beats_an_untrained_one():
    torch.manual_seed(0)
    sentences = _corpus()
    model = WordRAE(vocab_size=30, embedding_dim=16, hidden=48)
    before = recovery_by_position(model, sentences, 2, CPU)["recovered"]
    losses = pretrain_rae(model, sentences, epochs=30, batch_size=32, lr=3e-3, max_length=10,
                          seed=0, device=CPU)
    after = recovery_by_position(model, _corpus(seed=1), 2, CPU)["recovered"]  # held out
    assert losses[-1] < 0.5 * losses[0]
    assert after[0] > 0.9  # the last word comes back; chance is 1/28
    assert after[1] > 0.3 and after[1] > before[1] + 0.2
    codes, _ = model(*pad(_corpus(seed=2)[:50]))
    assert codes.std(0).mean() > 0.05  # codes differ between sentences: not collapsed


def test_shrinking_word_vectors_does_not_lower_the_error():
    torch.manual_seed(0)
    model = WordRAE(vocab_size=30, embedding_dim=16, hidden=24)
    ids, lengths = pad(_corpus()[:20])
    error = mean_token_error(model, ids, lengths)
    with torch.no_grad():
        model.embeddings.weight.mul_(1e-3)  # the degenerate direction: every vector to zero
    assert torch.allclose(mean_token_error(model, ids, lengths), error, rtol=1e-4)
    norms = model.inputs(ids)[ids != 0].norm(dim=-1)
    assert torch.allclose(norms, torch.ones_like(norms), atol=1e-5)


def test_skipgram_on_one_word_sentences_takes_no_step():
    """No sentence has a context word, so no batch holds a pair: none may be an empty step
    (the noise draw of zero samples raised)."""
    vectors, losses = train_skipgram([[2], [3], [4]], vocab_size=5, dim=4, window=2,
                                     negatives=2, subsample=1e-3, epochs=2, batch_size=8,
                                     lr=0.01, seed=0, device=CPU)
    assert vectors.shape == (5, 4) and losses == [0.0, 0.0]
