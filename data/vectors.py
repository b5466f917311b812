"""Word vectors in the word2vec / GloVe text format: one word and its numbers per line,
space-separated, after an optional "<count> <dimension>" header; a .gz file is read as is.

Standard library only (the Makefile names the pretraining folder from a vectors file's
dimension and fingerprint before anything is installed). Every line's field count and word are
checked; only the vocabulary's words are parsed as numbers, so a GloVe file of 400,000 words
loads in seconds, and a line that is not numbers is named when its word is one we use.
"""

from __future__ import annotations

import gzip
import hashlib
import math
from collections.abc import Iterator
from pathlib import Path

from data.sources import DataUnavailable, unreadable


def _open(path: Path):
    try:
        return gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")
    except OSError as err:
        raise unreadable(f"VECTORS={path}", err) from None


def _lines(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) per non-empty line; the header line included."""
    try:
        with _open(path) as stream:
            for number, raw in enumerate(stream, start=1):
                try:
                    fields = raw.decode("utf-8").rstrip("\r\n").rstrip(" ").split(" ")
                except UnicodeDecodeError:
                    raise DataUnavailable(f"VECTORS={path} line {number} is not UTF-8") from None
                if fields != [""]:
                    yield number, fields
    except (OSError, EOFError) as err:  # gzip.BadGzipFile is an OSError
        raise unreadable(f"VECTORS={path}", err) from None


def _header(fields: list[str]) -> tuple[int, int] | None:
    if len(fields) == 2 and all(f.isdigit() for f in fields):
        return int(fields[0]), int(fields[1])
    return None


def dimension(path: Path) -> int:
    """The vectors' size, from the header or the first vector line."""
    for _, fields in _lines(path):
        header = _header(fields)
        return header[1] if header else len(fields) - 1
    raise DataUnavailable(f"VECTORS={path} holds no vectors")


def fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    except OSError as err:
        raise unreadable(f"VECTORS={path}", err) from None
    return digest.hexdigest()[:12]


def read_vectors(path: Path, wanted: set[str]) -> tuple[int, dict[str, list[float]]]:
    """-> (dimension, {word: vector} for the wanted words found). Ragged lines, a repeated word,
    a header that disagrees with the file and (for a wanted word) a value that is not a finite
    number each stop with one line naming the line."""
    dim, count, seen, found = None, None, set(), {}
    for number, fields in _lines(path):
        if number == 1 and (header := _header(fields)):
            count, dim = header
            continue
        where = f"VECTORS={path} line {number}"
        dim = dim or len(fields) - 1
        if len(fields) - 1 != dim or dim == 0:
            raise DataUnavailable(f"{where} holds {len(fields) - 1} numbers after its word, "
                                  f"not {dim}")
        word = fields[0]
        if word in seen:
            raise DataUnavailable(f"{where} repeats the word {word!r}")
        seen.add(word)
        if word in wanted:
            try:
                vector = [float(x) for x in fields[1:]]
            except ValueError:
                vector = []
            if not vector or not all(map(math.isfinite, vector)):
                raise DataUnavailable(f"{where}: the vector of {word!r} is not {dim} finite "
                                      f"numbers")
            found[word] = vector
    if dim is None or not seen:
        raise DataUnavailable(f"VECTORS={path} holds no vectors")
    if count is not None and count != len(seen):
        raise DataUnavailable(f"VECTORS={path}: its header announces {count} words, the file "
                              f"holds {len(seen)}")
    return dim, found


def write_vectors(stream, words: list[str], vectors) -> None:
    """word2vec's text format with its header, so gensim's KeyedVectors.load_word2vec_format
    and fastText read it. `stream` takes bytes; `vectors` is a (len(words), d) tensor or array."""
    rows = vectors.tolist()
    stream.write(f"{len(words)} {len(rows[0]) if rows else 0}\n".encode())
    for word, row in zip(words, rows, strict=True):
        stream.write((word + " " + " ".join(f"{x:.6g}" for x in row) + "\n").encode("utf-8"))
