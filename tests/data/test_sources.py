import socket
import zipfile
from functools import partial

import pytest

from data import sources
from data.line_sets import LINE_SETS, load_line_set, load_mr
from data.sources import DataUnavailable, load_movie_reviews, read_lines
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


@pytest.mark.parametrize("name", ["subj", "cr", "mpqa"])
def test_every_line_set_reads_its_files_with_class_names(tmp_path, monkeypatch, name):
    line_set = LINE_SETS[name]
    (tmp_path / name).mkdir()
    for class_name, file in line_set.files.items():
        (tmp_path / name / file).write_bytes(f"one {class_name} line\n\n".encode())
    monkeypatch.setenv("RAE_DATA_DIR", str(tmp_path))
    loaded = load_line_set(name)
    assert loaded.class_names == line_set.class_names and len(set(loaded.class_names)) == 2
    assert [loaded.class_names[label] for label in loaded.labels] == list(line_set.files)
    assert loaded.texts == [f"one {class_name} line" for class_name in line_set.files]
    assert loaded.dropped == {"empty": 2}
    (tmp_path / name / next(iter(line_set.files.values()))).unlink()
    with pytest.raises(DataUnavailable, match=f"RAE_DATA_DIR/{name} must hold"):
        load_line_set(name)


def test_subj_reads_its_cp1252_bytes(tmp_path, monkeypatch):
    (tmp_path / "subj").mkdir()
    (tmp_path / "subj" / "quote.tok.gt9.5000").write_bytes(b"a \x93smart\x94 film \x85\n")
    (tmp_path / "subj" / "plot.tok.gt9.5000").write_bytes(b"he goes home .\n")
    monkeypatch.setenv("RAE_DATA_DIR", str(tmp_path))
    subj = load_line_set("subj")
    assert dict(zip(subj.texts, subj.labels, strict=True)) == {
        "a \u201csmart\u201d film \u2026": 1, "he goes home .": 0}


def test_sets_without_a_public_copy_stop_at_once_offline(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("CR and MPQA have no public copy to probe for")

    monkeypatch.delenv("RAE_DATA_DIR", raising=False)
    monkeypatch.setattr(socket, "create_connection", no_network)
    for name in ("cr", "mpqa"):
        with pytest.raises(DataUnavailable, match="no public copy.*RAE_DATA_DIR"):
            load_line_set(name)


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
    line_sets = [partial(load_line_set, name) for name in LINE_SETS]
    for load in (*line_sets, load_movie_reviews, load_sst):
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


@pytest.mark.parametrize(("folder", "load"), [
    ("mr/rt-polarity.pos", load_mr),
    ("subj/quote.tok.gt9.5000", partial(load_line_set, "subj")),
    ("sst/train.txt", load_sst),
    ("movie_reviews/movie_reviews.zip", load_movie_reviews),
])
def test_a_folder_where_a_data_file_belongs_is_named_as_one(tmp_path, monkeypatch, folder, load):
    """Not "is missing": the user sees something of that name there."""
    monkeypatch.setenv("RAE_DATA_DIR", str(tmp_path))
    (tmp_path / folder).mkdir(parents=True)
    with pytest.raises(DataUnavailable) as error:
        load()
    assert str(error.value) == f"{tmp_path / folder} is a folder, not a file"


def test_a_corpus_file_that_turns_out_a_folder_is_named_as_one(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "corpus_files", lambda path: [path])  # as if made one since
    with pytest.raises(DataUnavailable, match=f"^CORPUS file {tmp_path} is a folder, not a file$"):
        list(sources.corpus_lines(tmp_path, {}))
