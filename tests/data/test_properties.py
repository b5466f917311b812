"""Property-based tests (hypothesis) of text handling: tokenising, vocabulary, batching and
the answers predict gives for arbitrary input lines."""

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from data.batching import length_batches, pad
from data.tokenize import tokenize
from data.vocab import PAD, UNK, Vocabulary
from models.binary_tree_rae import TreeRAEConfig
from models.classifier import GreedyRAEClassifier, LinearRAEClassifier
from models.greedy_rae import GreedyRAE
from models.word_rae import WordRAE
from pipeline.families import FAMILIES
from pipeline.infra.config import parse_config
from pipeline.predict import answer_lines, as_json
from pipeline.serving.trained import BATCH, TrainedModel

words = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=8)


@given(st.text())
def test_tokens_are_non_empty_and_without_whitespace(text):
    tokens = tokenize(text)
    assert all(token and not any(ch.isspace() for ch in token) for token in tokens)


@given(st.lists(st.lists(words, max_size=6), max_size=8), st.integers(1, 3))
def test_vocabulary_keeps_frequent_words_and_maps_the_rest_to_unk(sentences, min_count):
    vocab = Vocabulary.build(sentences, min_count)
    assert vocab.words[:2] == [PAD, UNK] and len(set(vocab.words)) == len(vocab)
    counts = {}
    for sentence in sentences:
        for w in sentence:
            counts[w] = counts.get(w, 0) + 1
    for sentence in sentences:
        for w, i in zip(sentence, vocab.encode(sentence), strict=True):
            kept = counts[w] >= min_count and w not in (PAD, UNK)
            assert (vocab.words[i] == w) if kept else (i == Vocabulary.unk_id)


@given(st.lists(st.lists(words, max_size=6), max_size=8),
       st.lists(st.lists(words, max_size=6), max_size=8))
def test_an_extended_vocabulary_keeps_old_ids_and_knows_every_new_word(corpus, training):
    vocab = Vocabulary.build(corpus, 2)
    extended = vocab.extended(training)
    assert extended.words[:len(vocab)] == vocab.words and len(set(extended.words)) == len(extended)
    for sentence in training:
        for w, i in zip(sentence, extended.encode(sentence), strict=True):
            assert (i == Vocabulary.unk_id) if w in (PAD, UNK) else extended.words[i] == w
    assert set(extended.words) <= set(vocab.words) | {w for s in training for w in s}


@given(st.lists(st.lists(st.integers(2, 50), max_size=12), min_size=1, max_size=10),
       st.one_of(st.none(), st.integers(1, 6)))
def test_pad_keeps_each_sentences_last_tokens(sequences, max_length):
    ids, lengths = pad(sequences, max_length)
    for row, sequence in enumerate(sequences):
        kept = (sequence[-max_length:] if max_length else sequence) or [Vocabulary.unk_id]
        assert ids[row, : lengths[row]].tolist() == kept
        assert (ids[row, lengths[row] :] == Vocabulary.pad_id).all()


@given(st.lists(st.integers(1, 40), min_size=1, max_size=60), st.integers(1, 16), st.booleans())
def test_length_batches_partition_the_sentences(lengths, batch_size, shuffled):
    rng = np.random.default_rng(0) if shuffled else None
    batches = list(length_batches(lengths, batch_size, rng))
    assert sorted(np.concatenate(batches).tolist()) == list(range(len(lengths)))
    assert all(0 < len(b) <= batch_size for b in batches)


def _models():
    torch.manual_seed(0)
    vocab = Vocabulary([PAD, UNK, "good", "bad", "film", "."])
    config = parse_config({"data": {"max_length": 20}})
    linear = LinearRAEClassifier(WordRAE(len(vocab), 4, 6)).eval()
    greedy = GreedyRAEClassifier(GreedyRAE(TreeRAEConfig(len(vocab), 4))).eval()
    return tuple(TrainedModel(FAMILIES[name], model, vocab, ["neg", "pos"], config)
                 for name, model in (("linear", linear), ("greedy", greedy)))


LINEAR, GREEDY = _models()


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                               blacklist_characters="\n")), max_size=5),
       st.booleans())
def test_every_line_gets_one_valid_answer_in_order(lines, tree):
    model = GREEDY if tree else LINEAR
    answers = list(answer_lines(model, iter(lines), tree))
    assert [a["text"] for a in answers] == lines
    for answer in answers:
        assert answer["label"] in ("neg", "pos") and 0.5 <= answer["prob"] <= 1.0
        if tree:
            assert answer["tree"].startswith("(")


@settings(max_examples=3, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                               blacklist_characters="\n")),
                min_size=2 * BATCH + 1, max_size=2 * BATCH + 40))
def test_lines_read_by_another_process_get_the_answers_of_lines_read_here(lines):
    """Past one BATCH, answer_lines tokenises in a process of its own."""
    for model, tree in ((LINEAR, False), (GREEDY, True)):
        expected = [as_json(text, answer) for start in range(0, len(lines), BATCH)
                    for text, answer in zip(lines[start:start + BATCH],
                                            model.answers(lines[start:start + BATCH], tree),
                                            strict=True)]
        assert list(answer_lines(model, iter(lines), tree)) == expected


def test_a_hundred_thousand_tokens_on_one_line():
    line = " ".join(["good"] * 100_000)
    for model, tree in ((LINEAR, False), (GREEDY, True)):
        (answer,) = answer_lines(model, iter([line]), tree)
        assert answer["text"] == line
