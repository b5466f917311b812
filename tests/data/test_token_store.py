import gzip

import numpy as np
import pytest
import torch

from data import sources, token_store
from data.sources import DataUnavailable, corpus_lines, corpus_stamp
from data.token_store import SentenceIds, open_token_store, write_token_store
from data.vocab import Vocabulary
from training.skipgram import train_skipgram

SENTENCES = [["a", "b"], [], ["c"], ["a", "a", "d", "e"], ["b"], ["e", "f", "a"]]


def test_the_store_reads_back_what_was_written_across_flushes(tmp_path, monkeypatch):
    monkeypatch.setattr(token_store, "FLUSH_TOKENS", 3)
    counted = write_token_store(iter(SENTENCES), tmp_path / "store")
    assert counted == {"sentences": 5, "tokens": 11, "words": 6}
    words, counts, stored = open_token_store(tmp_path / "store")
    kept = [s for s in SENTENCES if s]
    assert [[words[i] for i in stored[k]] for k in range(len(stored))] == kept
    assert dict(zip(words, counts.tolist(), strict=True)) == {
        "a": 4, "b": 2, "c": 1, "d": 1, "e": 2, "f": 1}
    assert stored.tokens == 11 and stored.lengths().tolist() == [2, 1, 4, 1, 3]
    assert not list(tmp_path.glob(".*partial"))
    # the vocabulary from the counts is the one built from the sentences themselves
    vocab = Vocabulary.from_counts(dict(zip(words, counts.tolist(), strict=True)), 2)
    assert vocab.words == Vocabulary.build(kept, 2).words
    mapped = SentenceIds(stored.flat, stored.offsets, np.asarray(vocab.encode(words)))
    assert list(mapped) == [vocab.encode(s) for s in kept]


def test_chunks_are_whole_sentences_in_order(tmp_path):
    sentences = SentenceIds.from_lists([[1, 2], [3], [4, 5, 6, 7, 8], [9], [10, 11]])
    for size in (1, 2, 3, 6, 100):
        chunks = list(sentences.chunks(size))
        assert np.concatenate([ids for ids, _ in chunks]).tolist() == list(range(1, 12))
        assert np.concatenate([lengths for _, lengths in chunks]).tolist() == [2, 1, 5, 1, 2]
        assert all(lengths.sum() <= size or len(lengths) == 1 for _, lengths in chunks)
    assert len(list(sentences.chunks(100))) == 1


def test_a_corpus_is_a_file_a_gz_or_a_folder_of_them(tmp_path, monkeypatch):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.txt").write_bytes(b"one line .\n\n  two  \nbad \xff byte\n")
    (tmp_path / "c" / "b.gz").write_bytes(gzip.compress(b"three .\n" + b"x" * 40 + b"\nfour\n"))
    (tmp_path / "c" / ".hidden").write_bytes(b"never read\n")
    monkeypatch.setattr(sources, "CORPUS_LINE_BYTES", 32)
    dropped = {}
    assert list(corpus_lines(tmp_path / "c", dropped)) == ["one line .", "two", "three .", "four"]
    assert dropped == {"undecodable": 1, "too long": 1}
    assert list(corpus_lines(tmp_path / "c" / "a.txt", {})) == ["one line .", "two"]
    stamp = corpus_stamp(tmp_path / "c")
    (tmp_path / "c" / "a.txt").write_bytes(b"edited\n")
    assert corpus_stamp(tmp_path / "c") != stamp
    with pytest.raises(DataUnavailable, match="CORPUS=.*does not exist"):
        corpus_stamp(tmp_path / "nowhere")
    (tmp_path / "c" / "b.gz").write_bytes(b"not gzip")
    with pytest.raises(DataUnavailable, match="b.gz cannot be read"):
        list(corpus_lines(tmp_path / "c", {}))


def test_skipgram_reads_the_store_as_it_reads_lists(tmp_path):
    """The pretraining path (store, mapped ids) trains the vectors the list path trains."""
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(20)]
    corpus = [list(rng.choice(words, rng.integers(1, 9))) for _ in range(300)]
    write_token_store(iter(corpus), tmp_path / "store")
    stored_words, counts, stored = open_token_store(tmp_path / "store")
    vocab = Vocabulary.from_counts(dict(zip(stored_words, counts.tolist(), strict=True)), 1)
    mapped = SentenceIds(stored.flat, stored.offsets, np.asarray(vocab.encode(stored_words)))
    trained = []
    for sentences in (mapped, [vocab.encode(s) for s in corpus]):
        torch.manual_seed(0)
        trained.append(train_skipgram(sentences, len(vocab), 8, 2, 2, 1e-3, 2, 64, 1e-2, 0,
                                      torch.device("cpu")))
    assert torch.equal(trained[0][0], trained[1][0]) and trained[0][1] == trained[1][1]
