"""Where the raw text comes from: a local folder named by RAE_DATA_DIR, else the public sources.

The public sources (Hugging Face hub, nltk_data on GitHub) are probed with a short TCP connect
first, so an offline machine fails in seconds with one line naming RAE_DATA_DIR instead of
sitting in a library's retry loop.
"""

from __future__ import annotations

import os
import socket
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR_VARIABLE = "RAE_DATA_DIR"
MR_ENCODING = "cp1252"  # the original rt-polarity bytes; every byte decodes under cp1252
MR_FILES = {1: "rt-polarity.pos", 0: "rt-polarity.neg"}
MR_HUB_NAME = "cornell-movie-review-data/rotten_tomatoes"
MOVIE_REVIEWS_ZIP = "movie_reviews/movie_reviews.zip"


class DataUnavailable(RuntimeError):
    """The data cannot be read; the message is one line a user can act on."""


@dataclass
class Sentences:
    """Sentences, one per line of the source, plus what was dropped while reading them."""

    texts: list[str]
    source: str
    dropped: dict[str, int] = field(default_factory=dict)


@dataclass
class LabeledText(Sentences):
    labels: list[int] = field(default_factory=list)  # 0/1, one per sentence


def data_dir() -> Path | None:
    value = os.environ.get(DATA_DIR_VARIABLE)
    return Path(value) if value else None


def require_network(host: str, what: str, timeout: float = 3.0) -> None:
    try:
        socket.create_connection((host, 443), timeout=timeout).close()
    except OSError:
        raise DataUnavailable(
            f"cannot reach {host} to download {what}; set {DATA_DIR_VARIABLE} to a folder "
            f"with local copies (see README, 'Data')"
        ) from None


def read_lines(raw: bytes, encoding: str, dropped: dict[str, int]) -> list[str]:
    """Decode one sentence per line. Splits on b"\\n" only: MR holds byte 0x85, which
    str.splitlines() would treat as a line break. Empty and undecodable lines are counted."""
    if raw.endswith(b"\n"):  # the final newline ends the last line; it does not start one
        raw = raw[:-1]
    lines = []
    for line in raw.split(b"\n") if raw else []:
        try:
            text = line.decode(encoding).strip()
        except UnicodeDecodeError:
            dropped["undecodable"] = dropped.get("undecodable", 0) + 1
            continue
        if text:
            lines.append(text)
        else:
            dropped["empty"] = dropped.get("empty", 0) + 1
    return lines


def read_file(path: Path) -> bytes:
    """A data file's bytes; a file that exists but cannot be read is named in one line."""
    try:
        return path.read_bytes()
    except OSError as err:
        raise DataUnavailable(f"{path} cannot be read ({err.strerror or err})") from None


def _mr_from_folder(folder: Path) -> LabeledText:
    texts, labels, dropped = [], [], {}
    for label, name in MR_FILES.items():
        path = folder / name
        if not path.is_file():
            raise DataUnavailable(f"{path} is missing; {DATA_DIR_VARIABLE}/mr must hold "
                                  f"{' and '.join(MR_FILES.values())}")
        lines = read_lines(read_file(path), MR_ENCODING, dropped)
        texts += lines
        labels += [label] * len(lines)
    return LabeledText(texts, f"{folder} ({MR_ENCODING})", dropped, labels)


def _mr_from_hub() -> LabeledText:
    require_network("huggingface.co", "MR")
    import datasets

    texts, labels = [], []
    for split in datasets.load_dataset(MR_HUB_NAME).values():
        texts += list(split["text"])
        labels += list(split["label"])
    return LabeledText(texts, f"huggingface:{MR_HUB_NAME}", labels=labels)


def load_mr() -> LabeledText:
    """MR (Pang & Lee 2005 sentence polarity v1.0): 5,331 positive and 5,331 negative snippets."""
    root = data_dir()
    mr = _mr_from_folder(root / "mr") if root else _mr_from_hub()
    if not mr.texts:
        raise DataUnavailable(f"MR from {mr.source} holds no sentences")
    if len(set(mr.labels)) < 2:
        raise DataUnavailable(f"MR from {mr.source} holds only one class; both files are needed")
    # Repeated sentences are kept (MR itself repeats a few) but counted for the report.
    repeats = len(mr.texts) - len(set(zip(mr.texts, mr.labels, strict=True)))
    if repeats:
        mr.dropped["repeated (kept)"] = repeats
    return mr


def _movie_reviews_zip() -> Path:
    root = data_dir()
    if root:
        path = root / MOVIE_REVIEWS_ZIP
        if not path.is_file():
            raise DataUnavailable(f"{path} is missing ({DATA_DIR_VARIABLE}/{MOVIE_REVIEWS_ZIP})")
        return path
    require_network("raw.githubusercontent.com", "the nltk movie_reviews corpus")
    import nltk

    if not nltk.download("movie_reviews", quiet=True, raise_on_error=True):
        raise DataUnavailable(f"nltk.download('movie_reviews') failed; set {DATA_DIR_VARIABLE}")
    return Path(nltk.data.find("corpora/movie_reviews.zip"))


def load_movie_reviews() -> Sentences:
    """The nltk movie_reviews corpus (2,000 full reviews) as one sentence per line: unlabeled
    pretraining text (its review-level pos/neg folders are not read as labels)."""
    path = _movie_reviews_zip()
    texts, dropped = [], {}
    try:
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                parts = name.split("/")
                if len(parts) != 3 or parts[1] not in ("pos", "neg") or not name.endswith(".txt"):
                    continue
                texts += read_lines(archive.read(name), "utf-8", dropped)
    except (zipfile.BadZipFile, zlib.error, EOFError) as err:  # damaged archive or member
        raise DataUnavailable(f"{path} is not a readable zip file ({err})") from None
    except OSError as err:
        raise DataUnavailable(f"{path} cannot be read ({err.strerror or err})") from None
    if not texts:
        raise DataUnavailable(f"{path} holds no movie_reviews/pos|neg/*.txt files")
    return Sentences(texts, str(path), dropped)
