import numpy as np
import torch

from data.batching import length_batches, pad
from data.tokenize import tokenize
from data.vocab import PAD, UNK, Vocabulary


def test_tokenize_lowercases_splits_clitics_and_survives_odd_text():
    assert tokenize("It's NOT good.") == ["it", "'s", "not", "good", "."]
    assert tokenize("") == []
    assert tokenize("ｆｕｌｌ\x85width\x00") == ["full", "width"]  # NFKC, controls to spaces
    assert tokenize("日本 ☹ café") == ["日本", "☹", "café"]


def test_vocabulary_cut_off_order_and_unknown_words():
    vocab = Vocabulary.build([["b", "a", "a"], ["c", "b", "a"]], min_count=2)
    assert vocab.words == [PAD, UNK, "a", "b"]
    assert vocab.encode(["a", "c", "zzz"]) == [2, 1, 1]
    assert vocab.digest() == Vocabulary(list(vocab.words)).digest()


def test_pad_keeps_the_last_tokens_and_gives_empty_sentences_a_token():
    ids, lengths = pad([[5, 6, 7], [], [8]], max_length=2)
    assert ids.tolist() == [[6, 7], [1, 0], [8, 0]]
    assert lengths.tolist() == [2, 1, 1]


def test_length_batches_cover_every_sentence_once():
    lengths = np.random.default_rng(0).integers(1, 30, 103)
    batches = list(length_batches(lengths, 10, np.random.default_rng(1)))
    assert sorted(np.concatenate(batches).tolist()) == list(range(103))
    assert all(np.ptp(lengths[b]) <= 6 for b in batches)  # similar lengths together
    fixed = [b.tolist() for b in length_batches(lengths, 10, None)]
    assert fixed == [b.tolist() for b in length_batches(lengths, 10, None)]
    assert torch.is_tensor(pad([[1]])[0])
