import gzip
import io

import pytest
import torch

from data.sources import DataUnavailable
from data.vectors import dimension, read_vectors, write_vectors
from data.vocab import Vocabulary
from pipeline.infra.config import Config, ConfigError, with_files
from pipeline.infra.paths import folder_names
from pipeline.pretrain import given_vectors


def _written(words, vectors) -> bytes:
    stream = io.BytesIO()
    write_vectors(stream, words, vectors)
    return stream.getvalue()


def test_written_vectors_read_back_with_or_without_header_and_gzipped(tmp_path):
    words = ["<pad>", "<unk>", "film", "café", ","]
    vectors = torch.randn(5, 7, generator=torch.Generator().manual_seed(0))
    text = _written(words, vectors)
    assert text.startswith(b"5 7\n")
    plain, bare, packed = tmp_path / "v.txt", tmp_path / "glove.txt", tmp_path / "v.txt.gz"
    plain.write_bytes(text)
    bare.write_bytes(text.split(b"\n", 1)[1])  # GloVe: no header line
    packed.write_bytes(gzip.compress(text))
    for path in (plain, bare, packed):
        assert dimension(path) == 7
        dim, found = read_vectors(path, set(words))
        assert dim == 7 and list(found) == words
        assert torch.allclose(torch.tensor([found[w] for w in words]), vectors, rtol=1e-5,
                              atol=1e-6)


@pytest.mark.parametrize(("content", "message"), [
    (b"2 3\na 1 2 3\nb 1 2\n", r"line 3 holds 2 numbers after its word, not 3"),
    (b"a 1 2 3\nb 1 2 3\na 4 5 6\n", r"line 3 repeats the word 'a'"),
    (b"a 1 2 3\nfilm 1 x 3\n", r"line 2: the vector of 'film' is not 3 finite numbers"),
    (b"a 1 2 3\nfilm 1 nan 3\n", r"line 2: the vector of 'film' is not 3 finite numbers"),
    (b"3 3\na 1 2 3\nfilm 1 2 3\n", r"its header announces 3 words, the file holds 2"),
    (b"a 1 2 3\n\xff 1 2 3\n", r"line 2 is not UTF-8"),
    (b"", r"holds no vectors"),
])
def test_bad_vectors_are_one_line_naming_the_line(tmp_path, content, message):
    path = tmp_path / "v.txt"
    path.write_bytes(content)
    with pytest.raises(DataUnavailable, match=message) as error:
        read_vectors(path, {"film"})
    assert "\n" not in str(error.value)


def test_the_file_sets_the_dimension_and_its_content_the_folders(tmp_path):
    path = tmp_path / "v.txt"
    path.write_bytes(b"film 1 2 3\ngood 4 5 6\n")
    config = with_files(Config(), str(path))
    assert config.embeddings.dim == 3 and config.embeddings.vectors == str(path)
    names = folder_names(path, config, 0)
    assert with_files(config).embeddings == config.embeddings  # resolving twice: the same
    path.write_bytes(b"film 1 2 3\ngood 4 5 7\n")
    assert folder_names(path, with_files(Config(), str(path)), 0) != names
    assert folder_names(path, with_files(Config()), 0) != names  # skip-gram again
    path.write_bytes(b"film " + b"1 " * 5000 + b"\n")
    with pytest.raises(ConfigError, match="5000-dimensional vectors; embeddings.dim must be in"):
        with_files(Config(), str(path))
    with pytest.raises(DataUnavailable, match="cannot be read"):
        with_files(Config(), str(tmp_path / "missing.txt"))


def test_words_the_file_lacks_start_small_and_the_rest_are_the_files(tmp_path):
    path = tmp_path / "v.txt"
    path.write_bytes(b"film 1 2 3\nunused 7 7 7\n")
    vocab = Vocabulary(["<pad>", "<unk>", "film", "dull"])
    vectors = given_vectors(path, vocab, seed=0)
    assert vectors.shape == (4, 3) and vectors[2].tolist() == [1, 2, 3]
    assert vectors[3].abs().max() <= 0.05 and torch.equal(vectors, given_vectors(path, vocab, 0))


def test_vectors_that_are_a_folder_are_named_as_one(tmp_path):
    with pytest.raises(DataUnavailable, match=f"^VECTORS={tmp_path} is a folder, not a file$"):
        with_files(Config(), str(tmp_path))
