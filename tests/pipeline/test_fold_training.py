"""What a family gets for one fold: the fold's vocabulary and word vectors, and the refit on
train + dev."""

from dataclasses import replace

import numpy as np
import pytest
import torch

from data.vocab import PAD, UNK, Vocabulary
from models.word_rae import WordRAE
from pipeline.classify import fold_vocabulary
from pipeline.families import FAMILIES, FoldInputs
from pipeline.families.family import NEW_WORD_SCALE
from pipeline.infra.config import Config
from training.resume import Checkpoint

PRETRAINED_WORDS = [PAD, UNK, "good", "bad", "film"]


def _config(**section) -> Config:
    """Small settings; `section` goes to both [classify] and [greedy]."""
    config = Config()
    config.embeddings = replace(config.embeddings, dim=6)
    config.rae = replace(config.rae, hidden=8)
    config.classify = replace(config.classify, epochs=2, batch_size=8, alphas=[0.1],
                              head_epochs=30, head_patience=5, **section)
    config.greedy = replace(config.greedy, epochs=2, batch_size=8, **section)
    return config


def _fold(config: Config, vocab: Vocabulary) -> FoldInputs:
    rng = np.random.default_rng(0)
    torch.manual_seed(0)
    pretrained = {"vocab": PRETRAINED_WORDS,
                  "encoder": WordRAE(len(PRETRAINED_WORDS), 6, 8).state_dict()}

    def part(n):
        labels = rng.integers(0, 2, n)
        # class 1 sentences say "good", class 0 "bad", among random other words
        return ([[int(rng.integers(1, len(vocab))), 2 if y else 3, int(rng.integers(1, len(vocab)))]
                 for y in labels], labels)

    parts = {"train": part(32), "dev": part(12), "test": part(12)}
    return FoldInputs(pretrained, config, torch.device("cpu"), vocab, parts, 2, 7,
                      Checkpoint.in_memory())


def test_the_fold_vocabulary_adds_the_training_words_where_the_family_asks():
    training = [["good", "plot"], ["bad", "acting"]]
    config = _config(training_words=True)
    vocab = fold_vocabulary(Vocabulary(PRETRAINED_WORDS), training, FAMILIES["greedy"], config)
    assert vocab.words == PRETRAINED_WORDS + ["acting", "plot"]
    config.greedy.training_words = False
    assert fold_vocabulary(Vocabulary(PRETRAINED_WORDS), training, FAMILIES["greedy"],
                           config).words == PRETRAINED_WORDS


def test_new_words_start_small_and_pretrained_words_keep_their_vectors():
    fold = _fold(_config(), Vocabulary(PRETRAINED_WORDS + ["plot", "acting"]))
    vectors = fold.word_vectors()
    assert torch.equal(vectors[:5], fold.pretrained["encoder"]["embeddings.weight"])
    assert vectors.shape == (7, 6) and vectors[5:].abs().max() <= NEW_WORD_SCALE
    assert fold.pretrained_encoder()["embeddings.weight"].shape == (7, 6)


@pytest.mark.parametrize("name", ["linear", "greedy"])
def test_a_refit_keeps_dev_s_choices_and_tests_a_model_trained_on_dev_too(name):
    family = FAMILIES[name]
    vocab = Vocabulary(PRETRAINED_WORDS + ["plot", "acting"])
    rows = {}
    for refit in (False, True):
        fold = _fold(_config(refit=refit), vocab)
        torch.manual_seed(fold.seed)
        rows[refit], state = family.train_fold(fold)
        model = family.build_model(fold.config, len(vocab), 2)
        model.load_state_dict(state)
    for row in family.rows:
        before, after = rows[False][row], rows[True][row]
        assert torch.equal(before["dev_probs"], after["dev_probs"])  # dev saw the same model
        assert before.get("alpha") == after.get("alpha")
        assert after["refit"] and not before["refit"]
        assert not torch.allclose(before["probs"], after["probs"])
        assert torch.allclose(after["probs"].sum(1), torch.ones(12))
