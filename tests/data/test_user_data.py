import json

import pytest

from data.datasets import resolve_dataset
from data.sources import DataUnavailable
from data.tasks import TaskError, make_task
from data.user_data import dataset_name, load_user_data

GOOD = [f"a good film number {i}" for i in range(12)]
BAD = [f"a bad film number {i}" for i in range(12)]


def _csv(path, rows, header="text,label"):
    path.write_text(header + "\n" + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def _rows(labels=("pos", "neg")):
    return [f"{t},{labels[0]}" for t in GOOD] + [f"{t},{labels[1]}" for t in BAD]


def test_csv_tsv_and_jsonl_read_the_same(tmp_path):
    csv_data = load_user_data(_csv(tmp_path / "d.csv", _rows()), "text", "label")
    tsv = tmp_path / "d.tsv"
    tsv.write_text("label\ttext\n" + "".join(f"pos\t{t}\n" for t in GOOD)
                   + "".join(f"neg\t{t}\n" for t in BAD))
    jsonl = tmp_path / "d.jsonl"
    jsonl.write_text("".join(json.dumps({"text": t, "label": "pos"}) + "\n" for t in GOOD)
                     + "\n" + "".join(json.dumps({"label": "neg", "text": t}) + "\n" for t in BAD))
    for path in (tsv, jsonl):
        other = load_user_data(path, "text", "label")
        assert (other.texts, other.labels) == (csv_data.texts, csv_data.labels)
    assert csv_data.class_names == ("neg", "pos") and csv_data.split is None
    assert csv_data.labels[0] == 1 and csv_data.labels[-1] == 0


def test_quoted_newlines_bom_integer_labels_and_named_columns(tmp_path):
    path = tmp_path / "d.csv"
    rows = "".join(f'"{t}\nsecond line",{i % 3 + 1 if i % 3 else 10}\n'
                   for i, t in enumerate(GOOD + BAD + GOOD + BAD + GOOD))
    path.write_bytes(b"\xef\xbb\xbfreview,stars\n" + rows.encode())
    data = load_user_data(path, "review", "stars")
    assert data.class_names == ("2", "3", "10")  # numeric order, not "10" < "2"
    assert data.texts[0] == "a good film number 0 second line"


def test_a_folder_of_train_and_test_files_keeps_its_split(tmp_path):
    _csv(tmp_path / "train.csv", _rows())
    _csv(tmp_path / "test.csv", ["a fine film,pos", "a poor film,neg"])
    dataset = resolve_dataset(str(tmp_path))
    data = load_user_data(tmp_path, "text", "label")
    assert data.split == ["train"] * 24 + ["test"] * 2
    prepared = {"texts": data.texts, "labels": data.labels, "class_names": data.class_names,
                "split": data.split, "tokens": [t.split() for t in data.texts],
                "fingerprint": "x"}
    (fold,) = make_task(prepared, dataset, "split", seed=0).folds
    assert list(fold.test) == [24, 25] and len(fold.dev) == 4 and len(fold.train) == 20
    assert not set(fold.dev) & set(fold.train)
    with pytest.raises(TaskError, match="own test file; use PROTOCOL=split"):
        make_task(prepared, dataset, "cv10", seed=0)


def test_the_name_follows_path_columns_and_content(tmp_path):
    path = _csv(tmp_path / "My Reviews.csv", _rows())
    name = dataset_name(path, "text", "label")
    assert name.endswith("my-reviews-csv-" + name.rsplit("-", 1)[1])
    assert dataset_name(path, "text", "label") == name
    assert dataset_name(path, "label", "text") != name
    _csv(path, _rows(("good", "bad")))
    assert dataset_name(path, "text", "label") != name


def _write(path, content: bytes):
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(("name", "content", "message"), [
    ("missing column", b"review,label\nfun,pos\n",
     r"d.csv line 2 has no column 'text' \(columns: 'review', 'label'\); set TEXT_COLUMN"),
    ("empty text", b"text,label\nfun,pos\n  ,neg\n", r"d.csv line 3: empty 'text'"),
    ("empty label", b"text,label\nfun,pos\nbad,\n", r"d.csv line 3: empty 'label'"),
    ("missing label", b"text,label\nfun,pos\nbad\n", r"d.csv line 3: no 'label' value"),
    ("one class", b"text,label\n" + b"fun,pos\n" * 30, r"every example is labelled 'pos'"),
    ("too few in a class", b"text,label\n" + b"fun,pos\n" * 30 + b"dull,neg\n" * 3,
     r"class 'neg' has 3 training example\(s\); each class needs 10"),
    ("mixed encodings", b"text,label\nfun,pos\ncaf\xe9,neg\n",
     r"d.csv line 3 is not UTF-8 \(byte 0xe9\); save the whole file as UTF-8"),
    ("not csv: json", b'{"text": "fun", "label": "pos"}\n', r"d.csv looks like JSON, not CSV"),
    ("not csv: binary", b"PK\x03\x04\x00\x00binary", r"d.csv line 1 holds NUL bytes"),
    ("no rows", b"text,label\n", r"d.csv holds no examples"),
])
def test_bad_csv_is_one_line_naming_the_place(tmp_path, name, content, message):
    path = _write(tmp_path / "d.csv", content)
    with pytest.raises(DataUnavailable, match=message) as error:
        load_user_data(path, "text", "label")
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(("content", "message"), [
    (b"text,label\nfun,pos\n", r"d.jsonl line 1 is not JSON"),
    (b'["fun", "pos"]\n', r"d.jsonl line 1 is a JSON list, not an object"),
    (b'{"text": "fun", "label": 1.5}\n', r"line 1: label 1.5 is neither a string nor an integer"),
    (b'{"text": 3, "label": "pos"}\n', r"line 1: 'text' is not a string"),
])
def test_bad_jsonl_is_one_line(tmp_path, content, message):
    path = _write(tmp_path / "d.jsonl", content)
    with pytest.raises(DataUnavailable, match=message):
        load_user_data(path, "text", "label")


def test_a_2_gb_line_is_refused_after_its_first_megabyte(tmp_path):
    path = tmp_path / "d.csv"
    with path.open("wb") as stream:
        stream.write(b"text,label\n")
        stream.truncate(2 << 30)  # sparse: 2 GB on the file system, nothing on the disk
    with pytest.raises(DataUnavailable, match=r"d.csv line 2 is longer than 1 MB"):
        load_user_data(path, "text", "label")


def test_duplicates_are_kept_and_counted(tmp_path):
    data = load_user_data(_csv(tmp_path / "d.csv", _rows() + _rows()[:3]), "text", "label")
    assert len(data.texts) == 27 and data.dropped == {"duplicate rows (kept)": 3}


def test_test_labels_must_be_seen_in_train_and_paths_must_exist(tmp_path):
    _csv(tmp_path / "train.csv", _rows())
    _csv(tmp_path / "test.csv", ["a fine film,meh"])
    with pytest.raises(DataUnavailable, match="label\\(s\\) 'meh' appear outside the train"):
        load_user_data(tmp_path, "text", "label")
    with pytest.raises(DataUnavailable, match="does not exist"):
        resolve_dataset(str(tmp_path / "nowhere.csv"))
    with pytest.raises(DataUnavailable, match="must end in .csv, .tsv, .jsonl"):
        resolve_dataset(str(_write(tmp_path / "d.txt", b"x")))
    (tmp_path / "test.csv").unlink()
    with pytest.raises(DataUnavailable, match="must hold train and test files"):
        resolve_dataset(str(tmp_path))



def test_spellings_of_one_number_are_one_class_and_counted(tmp_path):
    ones = ["1", "1.0", " 1", "+1", "01", "1e0"]
    rows = [f"{t},{ones[i % len(ones)]}" for i, t in enumerate(GOOD)]
    rows += [f"{t},{'0' if i % 2 else '0.0'}" for i, t in enumerate(BAD)]
    data = load_user_data(_csv(tmp_path / "d.csv", rows), "text", "label")
    assert data.class_names == ("0", "1") and data.labels == [1] * 12 + [0] * 12
    # the most common spelling of each class is the norm (" 1" is "1" once its spaces go):
    # 8 of class 1's 12 labels and 6 of class 0's spell it otherwise
    assert data.dropped == {"labels spelling a class's number another way (read as that "
                            "class)": 8 + 6}


def test_labels_that_only_look_alike_stay_apart(tmp_path):
    rows = _rows(("1.5", "15")) + [f"{t},1e999" for t in GOOD[:10]]
    data = load_user_data(_csv(tmp_path / "d.csv", rows), "text", "label")
    assert data.class_names == ("1.5", "15", "1e999") and data.dropped == {}


def test_the_text_column_cannot_be_the_label_column(tmp_path):
    with pytest.raises(DataUnavailable, match=r"TEXT_COLUMN and LABEL_COLUMN both name 'label'"):
        load_user_data(_csv(tmp_path / "d.csv", _rows()), "label", "label")


def test_a_data_file_that_is_a_folder_is_named_as_one(tmp_path):
    _csv(tmp_path / "test.csv", _rows())
    (tmp_path / "train.csv").mkdir()
    with pytest.raises(DataUnavailable, match=r"^\S+/train.csv is a folder, not a file$"):
        load_user_data(tmp_path, "text", "label")
    (tmp_path / "reviews.csv").mkdir()
    with pytest.raises(DataUnavailable, match=r"reviews.csv is a folder, not a file; a data set "
                                              r"folder must hold train and test files"):
        load_user_data(tmp_path / "reviews.csv", "text", "label")
