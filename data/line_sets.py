"""The labelled sentence sets stored as one file of lines per class: MR, SUBJ, CR and MPQA.

Each is read from RAE_DATA_DIR/<name>/ (file names, encodings and checksums in that folder's
README), else from a public copy where one exists: MR from the Hugging Face hub, SUBJ from
nltk_data. CR and MPQA have no public copy this project trusts, so without RAE_DATA_DIR they
stop with the same one line as an offline machine.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from data.sources import (
    DATA_DIR_VARIABLE,
    DataUnavailable,
    Sentences,
    data_dir,
    nltk_corpus_zip,
    read_file,
    read_lines,
    require_network,
)


@dataclass
class LabeledText(Sentences):
    labels: list[int] = field(default_factory=list)  # class index, one per sentence
    class_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class LineSet:
    title: str  # as papers name it
    class_names: tuple[str, ...]  # class index -> name
    # class name -> file, in reading order: the order of the prepared sentences, which the
    # seeded data order follows (MR's positive file first, as every MR figure was measured)
    files: dict[str, str]
    encoding: str  # of the files in RAE_DATA_DIR (MR's and SUBJ's hold cp1252 punctuation)
    public: Callable[[LineSet], LabeledText] | None = None  # where to read it without a folder

    def labelled_files(self) -> list[tuple[int, str]]:
        return [(self.class_names.index(name), file) for name, file in self.files.items()]


def _from_hub(name: str) -> Callable[[LineSet], LabeledText]:
    def read(line_set: LineSet) -> LabeledText:
        require_network("huggingface.co", line_set.title)
        import datasets

        texts, labels = [], []
        for split in datasets.load_dataset(name).values():
            texts += list(split["text"])
            labels += list(split["label"])
        return LabeledText(texts, f"huggingface:{name}", labels=labels,
                           class_names=line_set.class_names)
    return read


def _from_nltk(package: str) -> Callable[[LineSet], LabeledText]:
    """nltk_data's copy holds the same file names, re-encoded as UTF-8."""
    def read(line_set: LineSet) -> LabeledText:
        path = nltk_corpus_zip(package)
        texts, labels, dropped = [], [], {}
        try:
            with zipfile.ZipFile(path) as archive:
                for label, file in line_set.labelled_files():
                    lines = read_lines(archive.read(f"{package}/{file}"), "utf-8", dropped)
                    texts += lines
                    labels += [label] * len(lines)
        except (zipfile.BadZipFile, zlib.error, EOFError, KeyError) as err:
            raise DataUnavailable(f"{path} is not nltk's {package} corpus ({err})") from None
        return LabeledText(texts, str(path), dropped, labels, line_set.class_names)
    return read


LINE_SETS = {
    "mr": LineSet("MR", ("neg", "pos"), {"pos": "rt-polarity.pos", "neg": "rt-polarity.neg"},
                  "cp1252", _from_hub("cornell-movie-review-data/rotten_tomatoes")),
    "subj": LineSet("SUBJ", ("objective", "subjective"),
                    {"subjective": "quote.tok.gt9.5000", "objective": "plot.tok.gt9.5000"},
                    "cp1252", _from_nltk("subjectivity")),
    "cr": LineSet("CR", ("neg", "pos"), {"pos": "custrev.pos", "neg": "custrev.neg"}, "utf-8"),
    "mpqa": LineSet("MPQA", ("neg", "pos"), {"pos": "mpqa.pos", "neg": "mpqa.neg"}, "utf-8"),
}


def _from_folder(name: str, line_set: LineSet) -> LabeledText:
    folder = data_dir() / name
    texts, labels, dropped = [], [], {}
    for label, file in line_set.labelled_files():
        path = folder / file
        if not path.exists():  # a folder there is named by read_file
            raise DataUnavailable(f"{path} is missing; {DATA_DIR_VARIABLE}/{name} must hold "
                                  f"{' and '.join(line_set.files.values())}")
        lines = read_lines(read_file(path), line_set.encoding, dropped)
        texts += lines
        labels += [label] * len(lines)
    return LabeledText(texts, f"{folder} ({line_set.encoding})", dropped, labels,
                       line_set.class_names)


def load_line_set(name: str) -> LabeledText:
    line_set = LINE_SETS[name]
    if data_dir():
        loaded = _from_folder(name, line_set)
    elif line_set.public:
        loaded = line_set.public(line_set)
    else:
        raise DataUnavailable(f"{line_set.title} has no public copy this project reads; set "
                              f"{DATA_DIR_VARIABLE} to a folder holding {name}/ (see "
                              f"docs/data.md)")
    if not loaded.texts:
        raise DataUnavailable(f"{line_set.title} from {loaded.source} holds no sentences")
    if len(set(loaded.labels)) < 2:
        raise DataUnavailable(f"{line_set.title} from {loaded.source} holds only one class; "
                              f"every file is needed")
    # Repeated sentences are kept (MR itself repeats a few) but counted for the report.
    repeats = len(loaded.texts) - len(set(zip(loaded.texts, loaded.labels, strict=True)))
    if repeats:
        loaded.dropped["repeated (kept)"] = repeats
    return loaded


def load_mr() -> LabeledText:
    """MR (Pang & Lee 2005 sentence polarity v1.0): 5,331 positive and 5,331 negative snippets."""
    return load_line_set("mr")
