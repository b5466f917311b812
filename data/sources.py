"""Where the raw text comes from: a local folder named by RAE_DATA_DIR, else the public sources.

The public sources (Hugging Face hub, nltk_data on GitHub) are probed with a short TCP connect
first, so an offline machine fails in seconds with one line naming RAE_DATA_DIR instead of
sitting in a library's retry loop.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import socket
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR_VARIABLE = "RAE_DATA_DIR"
MOVIE_REVIEWS_ZIP = "movie_reviews/movie_reviews.zip"


class DataUnavailable(RuntimeError):
    """The data cannot be read; the message is one line a user can act on."""


@dataclass
class Sentences:
    """Sentences, one per line of the source, plus what was dropped while reading them."""

    texts: list[str]
    source: str
    dropped: dict[str, int] = field(default_factory=dict)


def data_dir() -> Path | None:
    value = os.environ.get(DATA_DIR_VARIABLE)
    return Path(value) if value else None


def require_network(host: str, what: str, timeout: float = 3.0) -> None:
    try:
        socket.create_connection((host, 443), timeout=timeout).close()
    except OSError:
        raise DataUnavailable(
            f"cannot reach {host} to download {what}; set {DATA_DIR_VARIABLE} to a folder "
            f"with local copies (see docs/data.md)"
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


def unreadable(name: str, err: Exception) -> DataUnavailable:
    """One line for a data file that failed to open or read: a folder where a file belongs
    is said to be one, so the user is not sent looking for a file that seems to be there."""
    if isinstance(err, IsADirectoryError):
        return DataUnavailable(f"{name} is a folder, not a file")
    return DataUnavailable(f"{name} cannot be read ({getattr(err, 'strerror', None) or err})")


def read_file(path: Path) -> bytes:
    """A data file's bytes; a file that exists but cannot be read is named in one line."""
    try:
        return path.read_bytes()
    except OSError as err:
        raise unreadable(str(path), err) from None


def _movie_reviews_zip() -> Path:
    root = data_dir()
    if root:
        path = root / MOVIE_REVIEWS_ZIP
        if not path.exists():
            raise DataUnavailable(f"{path} is missing ({DATA_DIR_VARIABLE}/{MOVIE_REVIEWS_ZIP})")
        return path
    return nltk_corpus_zip("movie_reviews")


def nltk_corpus_zip(package: str) -> Path:
    """Download an nltk_data corpus (online only) and return its zip."""
    require_network("raw.githubusercontent.com", f"the nltk {package} corpus")
    import nltk

    if not nltk.download(package, quiet=True, raise_on_error=True):
        raise DataUnavailable(f"nltk.download({package!r}) failed; set {DATA_DIR_VARIABLE}")
    return Path(nltk.data.find(f"corpora/{package}.zip"))


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
        raise unreadable(str(path), err) from None
    if not texts:
        raise DataUnavailable(f"{path} holds no movie_reviews/pos|neg/*.txt files")
    return Sentences(texts, str(path), dropped)


CORPUS_LINE_BYTES = 16 << 20  # a longer line of a pretraining corpus is skipped and counted


def corpus_files(path: Path) -> list[Path]:
    """A text file, a .gz, or every such file under a folder (sorted, hidden ones left out)."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise DataUnavailable(f"CORPUS={path} does not exist (a text file, a .gz, or a folder "
                              f"of them)")
    files = sorted(p for p in path.rglob("*") if p.is_file()
                   and not any(part.startswith(".") for part in p.relative_to(path).parts))
    if not files:
        raise DataUnavailable(f"CORPUS={path} is a folder without files")
    return files


def corpus_stamp(path: Path) -> str:
    """Names a corpus from its files' names, sizes and times, without reading gigabytes: an
    edited or replaced file gets a new stamp (its content is fingerprinted as it is read)."""
    digest = hashlib.sha256()
    for file in corpus_files(path):
        stat = file.stat()
        digest.update(f"{file}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:12]


def _raw_lines(file: Path) -> Iterator[bytes | None]:
    """A file's lines; None for a line over CORPUS_LINE_BYTES, whose rest is skipped."""
    opener = gzip.open if file.suffix == ".gz" else open
    with opener(file, "rb") as stream:
        while line := stream.readline(CORPUS_LINE_BYTES):
            if len(line) == CORPUS_LINE_BYTES and not line.endswith(b"\n"):
                while (rest := stream.readline(CORPUS_LINE_BYTES)) and not rest.endswith(b"\n"):
                    pass
                yield None
                continue
            yield line


def corpus_lines(path: Path, dropped: dict[str, int]) -> Iterator[str]:
    """Every non-empty line of the corpus, streamed, as UTF-8 text; lines that are too long or
    not UTF-8 are counted in `dropped`."""
    for file in corpus_files(path):
        try:
            for line in _raw_lines(file):
                if line is None:
                    dropped["too long"] = dropped.get("too long", 0) + 1
                    continue
                try:
                    text = line.decode("utf-8").strip()
                except UnicodeDecodeError:
                    dropped["undecodable"] = dropped.get("undecodable", 0) + 1
                    continue
                if text:
                    yield text
        except (OSError, EOFError) as err:  # gzip.BadGzipFile is an OSError
            raise unreadable(f"CORPUS file {file}", err) from None
