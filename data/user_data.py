"""A user's own labelled sentences: a .csv, .tsv or .jsonl file, or a folder holding
train/test (and optionally dev) files of one of those formats.

Read with the standard library's csv and json modules, line by line with a cap on a line's
length, so a 2 GB line is refused after its first megabyte. Every problem is one line naming the
file and the line: the run stops before anything is written.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from data.line_sets import LabeledText
from data.sources import DataUnavailable

FORMATS = (".csv", ".tsv", ".jsonl")
SPLIT_FILES = ("train", "dev", "test")
MAX_LINE_BYTES = 1 << 20
MIN_PER_CLASS = 10  # the examples are dealt into ten parts, for cv10 and the split alike
NUMBER = re.compile(r"[+-]?(\d{1,30}\.?\d{0,30}|\.\d{1,30})([eE][+-]?\d{1,2})?")
RESPELLED = "labels spelling a class's number another way (read as that class)"


@dataclass
class UserData(LabeledText):
    split: list[str] | None = None  # per sentence, train/dev/test when the files say so


def data_files(path: Path) -> dict[str, Path]:
    """-> {split name or "all": file}; a folder holds train and test files (dev optional)."""
    if path.is_file():
        if path.suffix.lower() not in FORMATS:
            raise DataUnavailable(f"{path}: a data set file must end in {', '.join(FORMATS)}")
        return {"all": path}
    if not path.is_dir():
        raise DataUnavailable(f"{path} does not exist (DATASET is a built-in name, a "
                              f"{'/'.join(FORMATS)} file or a folder of train/dev/test files)")
    found = {split: sorted(p for p in path.glob(f"{split}.*") if p.suffix.lower() in FORMATS)
             for split in SPLIT_FILES}
    if any(len(files) > 1 for files in found.values()):
        raise DataUnavailable(f"{path} holds one split in two formats; keep one of "
                              f"{', '.join(p.name for files in found.values() for p in files)}")
    files = {split: files[0] for split, files in found.items() if files}
    folder = next((p for p in files.values() if p.is_dir()), None)
    if folder is not None:
        raise DataUnavailable(f"{folder} is a folder, not a file")
    if "train" not in files or "test" not in files:
        what = (f"{path} is a folder, not a file; a data set folder"
                if path.suffix.lower() in FORMATS else str(path))
        raise DataUnavailable(f"{what} must hold train and test files ({'/'.join(FORMATS)}; "
                              f"dev optional)")
    if len({p.suffix.lower() for p in files.values()}) > 1:
        raise DataUnavailable(f"{path}: train, dev and test must share one format")
    return files


def fingerprint(path: Path, text_column: str, label_column: str) -> str:
    """Of the files' bytes and the columns read, so other content never shares a name."""
    digest = hashlib.sha256(f"{text_column}\0{label_column}".encode())
    for split, file in sorted(data_files(path).items()):
        digest.update(split.encode())
        with file.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()[:8]


def dataset_name(path: Path, text_column: str, label_column: str) -> str:
    """A stable, readable name: the path's letters and digits, then the content fingerprint."""
    slug = re.sub(r"[^a-z0-9]+", "-", str(path).lower()).strip("-")[-40:].strip("-")
    return f"{slug or 'data'}-{fingerprint(path, text_column, label_column)}"


def _lines(file: Path) -> Iterator[tuple[int, str]]:
    """(line number, decoded line), refusing a line over MAX_LINE_BYTES or not in UTF-8."""
    with file.open("rb") as stream:
        number = 0
        while line := stream.readline(MAX_LINE_BYTES + 1):
            number += 1
            if len(line) > MAX_LINE_BYTES:
                raise DataUnavailable(f"{file} line {number} is longer than "
                                      f"{MAX_LINE_BYTES >> 20} MB; one example per line")
            if b"\0" in line:
                raise DataUnavailable(f"{file} line {number} holds NUL bytes: not a text file, "
                                      f"whatever its extension says")
            try:
                yield number, line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as err:
                raise DataUnavailable(
                    f"{file} line {number} is not UTF-8 (byte {line[err.start]:#04x}); "
                    f"save the whole file as UTF-8") from None


def _csv_rows(file: Path, delimiter: str) -> Iterator[tuple[int, dict]]:
    lines = _lines(file)
    reached = [1]  # the line the reader has read up to (a quoted newline spans lines)

    def text():
        for number, line in lines:
            reached[0] = number
            yield line

    reader = csv.DictReader(text(), delimiter=delimiter, strict=True)
    try:
        header = reader.fieldnames or []
        if header and header[0].lstrip().startswith(("{", "[")):
            raise DataUnavailable(f"{file} looks like JSON, not {file.suffix[1:].upper()}")
        for row in reader:
            yield reached[0], row
    except csv.Error as err:
        raise DataUnavailable(f"{file} line {reached[0]} is not "
                              f"{file.suffix[1:].upper()} ({err})") from None


def _jsonl_rows(file: Path) -> Iterator[tuple[int, dict]]:
    for number, line in _lines(file):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as err:
            raise DataUnavailable(f"{file} line {number} is not JSON ({err.msg}); a .jsonl file "
                                  f"holds one JSON object per line") from None
        if not isinstance(row, dict):
            raise DataUnavailable(f"{file} line {number} is a JSON {type(row).__name__}, not "
                                  f"an object with named fields")
        yield number, row


def _rows(file: Path) -> Iterator[tuple[int, dict]]:
    suffix = file.suffix.lower()
    if suffix == ".jsonl":
        return _jsonl_rows(file)
    return _csv_rows(file, "\t" if suffix == ".tsv" else ",")


def _label(value, where: str, label_column: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        if value is None:
            raise DataUnavailable(f"{where}: no {label_column!r} value")
        raise DataUnavailable(f"{where}: label {value!r} is neither a string nor an integer")
    label = str(value).strip()
    if not label:
        raise DataUnavailable(f"{where}: empty {label_column!r}")
    return label


def _read(file: Path, text_column: str, label_column: str) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for number, row in _rows(file):
        where = f"{file} line {number}"
        for column in (text_column, label_column):
            if column not in row:
                found = ", ".join(repr(c) for c in row if c is not None) or "none"
                name = "TEXT_COLUMN" if column == text_column else "LABEL_COLUMN"
                raise DataUnavailable(f"{where} has no column {column!r} (columns: {found}); "
                                      f"set {name}")
        text = row[text_column]
        if not isinstance(text, str) or not text.strip():
            raise DataUnavailable(f"{where}: empty {text_column!r}" if isinstance(text, str | None)
                                  else f"{where}: {text_column!r} is not a string")
        texts.append(" ".join(text.split()))  # a quoted field may hold newlines
        labels.append(_label(row[label_column], where, label_column))
    if not texts:
        raise DataUnavailable(f"{file} holds no examples")
    return texts, labels


def _class_order(names: set[str]) -> tuple[str, ...]:
    """Integers in numeric order (so 2 follows 1, not 10), other names alphabetically."""
    if all(re.fullmatch(r"-?\d+", name) for name in names):
        return tuple(sorted(names, key=int))
    return tuple(sorted(names))


def _class_name(label: str) -> str:
    """The class a label names: spellings of one number ("1", "1.0", "+1", "01") are one
    class, named by the number's plain form; any other label is its own name."""
    if not NUMBER.fullmatch(label):
        return label
    value = Decimal(label)
    return str(int(value)) if value == value.to_integral_value() else f"{value.normalize():f}"


def load_user_data(path: Path, text_column: str, label_column: str) -> UserData:
    if text_column == label_column:
        raise DataUnavailable(f"TEXT_COLUMN and LABEL_COLUMN both name {text_column!r}; the "
                              f"text and its label must be two columns")
    files = data_files(path)
    read = {split: _read(file, text_column, label_column) for split, file in files.items()}
    texts = [t for part, _ in read.values() for t in part]
    spelled = [label for _, part in read.values() for label in part]
    read = {split: (part, [_class_name(label) for label in labels])
            for split, (part, labels) in read.items()}
    names = [label for _, part in read.values() for label in part]
    classes = _class_order(set(names))
    source = ", ".join(str(f) for f in files.values())
    if len(classes) < 2:
        raise DataUnavailable(f"{source}: every example is labelled {classes[0]!r}; a classifier "
                              f"needs two classes or more")
    dealt = read.get("all", read.get("train"))[1]  # what the parts are dealt from
    if "all" not in read:
        unseen = sorted(set(names) - set(dealt))
        if unseen:
            raise DataUnavailable(f"{source}: label(s) {', '.join(map(repr, unseen))} appear "
                                  f"outside the train file only")
    for name in classes:
        if dealt.count(name) < MIN_PER_CLASS:
            raise DataUnavailable(
                f"{source}: class {name!r} has {dealt.count(name)} training example(s); each "
                f"class needs {MIN_PER_CLASS} (the folds deal every class into ten parts)")
    labels = [classes.index(name) for name in names]
    split = None if "all" in read else [name for name, (part, _) in read.items() for _ in part]
    duplicates = len(texts) - len(set(zip(texts, labels, strict=True)))
    dropped = {"duplicate rows (kept)": duplicates} if duplicates else {}
    respelled = _respelled(spelled, names)
    if respelled:
        dropped[RESPELLED] = respelled
    return UserData(texts, source, dropped, labels, classes, split)


def _respelled(spelled: list[str], names: list[str]) -> int:
    """How many labels spell their class's number otherwise than its most common spelling,
    in a class that is spelled more than one way."""
    spellings: dict[str, Counter] = {}
    for label, name in zip(spelled, names, strict=True):
        spellings.setdefault(name, Counter())[label] += 1
    return sum(counts.total() - counts.most_common(1)[0][1] for counts in spellings.values())
