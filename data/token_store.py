"""Tokenised text on disk: every sentence's token ids in one int32 file and where each sentence
starts in another, read through memory maps. A corpus far larger than memory is tokenised once,
streamed line by line, and training then reads it a piece at a time.

Ids in the files are provisional (first-seen order, with each word's count beside it in
words.json); a vocabulary maps them to its own ids when the corpus is read, so the files do not
depend on `min_count`.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

IDS, OFFSETS, WORDS = "ids.int32", "offsets.int64", "words.json"
FLUSH_TOKENS = 1 << 20  # ids held in memory before they are appended to the file


class SentenceIds(Sequence):
    """Sentences of ids, as a list of lists would hold them, over a flat id array and sentence
    offsets (memory-mapped or not), through an optional id mapping."""

    def __init__(self, flat: np.ndarray, offsets: np.ndarray, mapping: np.ndarray | None = None):
        self.flat, self.offsets, self.mapping = flat, offsets, mapping

    @classmethod
    def from_lists(cls, sentences: list[list[int]]) -> SentenceIds:
        lengths = [len(s) for s in sentences]
        flat = np.fromiter((i for s in sentences for i in s), dtype=np.int64, count=sum(lengths))
        return cls(flat, np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def _ids(self, start: int, stop: int) -> np.ndarray:
        ids = np.asarray(self.flat[start:stop], dtype=np.int64)
        return ids if self.mapping is None else self.mapping[ids]

    def __getitem__(self, i: int) -> list[int]:
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        i %= len(self)
        return self._ids(int(self.offsets[i]), int(self.offsets[i + 1])).tolist()

    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    @property
    def tokens(self) -> int:
        return int(self.offsets[-1])

    def chunks(self, max_tokens: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(ids, sentence lengths) of consecutive whole sentences, about max_tokens ids each
        (a longer sentence is a chunk of its own)."""
        first = 0
        while first < len(self):
            start = int(self.offsets[first])
            last = int(np.searchsorted(self.offsets, start + max_tokens, side="right")) - 1
            last = min(max(last, first + 1), len(self))
            yield (self._ids(start, int(self.offsets[last])),
                   np.diff(self.offsets[first:last + 1]))
            first = last


def write_token_store(sentences: Iterable[list[str]], folder: Path) -> dict:
    """Stream token lists (empty ones skipped) to `folder`, replacing it whole once complete.
    -> {"sentences", "tokens", "words"}."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".partial",
                                    dir=folder.parent))
    try:
        index: dict[str, int] = {}
        counts: list[int] = []
        pending: list[int] = []
        ends = [0]  # the offsets not yet written; the last stays for the next write
        written = 0
        with (partial / IDS).open("wb") as ids_file, (partial / OFFSETS).open("wb") as ends_file:
            for tokens in sentences:
                if not tokens:
                    continue
                for token in tokens:
                    word = index.setdefault(token, len(index))
                    if word == len(counts):
                        counts.append(0)
                    counts[word] += 1
                    pending.append(word)
                ends.append(ends[-1] + len(tokens))
                written += 1
                if len(pending) >= FLUSH_TOKENS:
                    ids_file.write(np.asarray(pending, dtype=np.int32).tobytes())
                    ends_file.write(np.asarray(ends[:-1], dtype=np.int64).tobytes())
                    pending, ends = [], ends[-1:]
            ids_file.write(np.asarray(pending, dtype=np.int32).tobytes())
            ends_file.write(np.asarray(ends, dtype=np.int64).tobytes())
        (partial / WORDS).write_text(json.dumps({"words": list(index), "counts": counts}),
                                     encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(partial, folder)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return {"sentences": written, "tokens": sum(counts), "words": len(counts)}


def open_token_store(folder: Path) -> tuple[list[str], np.ndarray, SentenceIds]:
    """-> (words in provisional id order, their counts, the sentences of provisional ids)."""
    table = json.loads((folder / WORDS).read_text(encoding="utf-8"))
    offsets = np.memmap(folder / OFFSETS, dtype=np.int64, mode="r")
    flat = (np.memmap(folder / IDS, dtype=np.int32, mode="r") if offsets[-1]
            else np.zeros(0, dtype=np.int32))  # numpy cannot map an empty file
    return table["words"], np.asarray(table["counts"], dtype=np.int64), SentenceIds(flat, offsets)
