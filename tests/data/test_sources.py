import socket
import zipfile

import pytest

from data import sources
from data.sources import DataUnavailable, load_movie_reviews, load_mr, read_lines
from data.sst import load_sst


def test_lines_split_on_newline_only_and_bad_lines_are_counted():
    raw = b"caf\xe9 \x85 fine\n\n  \nbad \x81 byte\nlast\n"
    dropped = {}
    lines = read_lines(raw, "cp1252", dropped)
    assert lines == ["café … fine", "last"]
    assert dropped == {"empty": 2, "undecodable": 1}


def _write_mr(folder, pos=b"good .\n", neg=b"bad .\n"):
    (folder / "mr").mkdir(parents=True)
    (folder / "mr" / "rt-polarity.pos").write_bytes(pos)
    (folder / "mr" / "rt-polarity.neg").write_bytes(neg)


def test_mr_from_folder(tmp_path, monkeypatch):
    _write_mr(tmp_path, pos=b"a gem .\nfun\n", neg=b"dull\n")
    monkeypatch.setenv("RAE_DATA_DIR", str(tmp_path))
    mr = load_mr()
    assert mr.texts == ["a gem .", "fun", "dull"] and mr.labels == [1, 1, 0]


def test_missing_or_one_class_mr_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("RAE_DATA_DIR", str(tmp_path))
    with pytest.raises(DataUnavailable, match="RAE_DATA_DIR"):
        load_mr()
    _write_mr(tmp_path, neg=b"\n")
    with pytest.raises(DataUnavailable, match="one class"):
        load_mr()


def test_movie_reviews_zip(tmp_path, monkeypatch):
    (tmp_path / "movie_reviews").mkdir()
    with zipfile.ZipFile(tmp_path / "movie_reviews" / "movie_reviews.zip", "w") as archive:
        archive.writestr("movie_reviews/README", "not a review")
        archive.writestr("movie_reviews/pos/cv000_1.txt", "one sentence .\ntwo .\n")
        archive.writestr("movie_reviews/neg/cv000_2.txt", "three .\n")
    monkeypatch.setenv("RAE_DATA_DIR", str(tmp_path))
    corpus = load_movie_reviews()
    assert corpus.texts == ["three .", "one sentence .", "two ."]
    (tmp_path / "movie_reviews" / "movie_reviews.zip").write_bytes(b"garbage")
    with pytest.raises(DataUnavailable, match="not a readable zip"):
        load_movie_reviews()


def test_offline_without_data_dir_fails_fast_naming_the_variable(monkeypatch):
    def unreachable(*args, **kwargs):
        raise OSError("network is unreachable")

    monkeypatch.delenv("RAE_DATA_DIR", raising=False)
    monkeypatch.setattr(socket, "create_connection", unreachable)
    for load in (load_mr, load_movie_reviews, load_sst):
        with pytest.raises(DataUnavailable, match="RAE_DATA_DIR") as error:
            load()
        assert "\n" not in str(error.value)
    assert sources.data_dir() is None


def test_empty_files_and_repeated_lines(tmp_path, monkeypatch):
    monkeypatch.setenv("RAE_DATA_DIR", str(tmp_path))
    _write_mr(tmp_path, pos=b"", neg=b"\n\n")
    with pytest.raises(DataUnavailable, match="holds no sentences"):
        load_mr()
    (tmp_path / "mr" / "rt-polarity.pos").write_bytes(b"fun .\nfun .\n\x00\x81\xff\n")
    (tmp_path / "mr" / "rt-polarity.neg").write_bytes(b"dull .\n")
    mr = load_mr()
    assert mr.texts == ["fun .", "fun .", "dull ."]
    assert mr.dropped == {"undecodable": 1, "repeated (kept)": 1}


@pytest.mark.parametrize(("content", "message"), [
    (None, "test.txt is missing"),
    (b"(3 (2 a) (4 good)\n", "test line 1 is not a labelled PTB tree"),
    (b"(7 (2 a) (4 good))\n", "test line 1 is not a labelled PTB tree .sentiment label 7"),
    (b"(3 (2 a) (4 g\xffood))\n", "test.txt is not UTF-8"),
    (b"\n\n", "the test split holds no trees"),
])
def test_bad_sst_files_are_one_line_errors(tmp_path, monkeypatch, content, message):
    monkeypatch.setenv("RAE_DATA_DIR", str(tmp_path))
    (tmp_path / "sst").mkdir()
    for split in ("train", "dev"):
        (tmp_path / "sst" / f"{split}.txt").write_text("(3 (2 a) (4 good))\n")
    if content is not None:
        (tmp_path / "sst" / "test.txt").write_bytes(content)
    with pytest.raises(DataUnavailable, match=message) as error:
        load_sst()
    assert "\n" not in str(error.value)
