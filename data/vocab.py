"""Word <-> id mapping with a frequency cut-off; rare and unseen words map to UNK."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping

PAD, UNK = "<pad>", "<unk>"


class Vocabulary:
    def __init__(self, words: list[str]):
        if words[:2] != [PAD, UNK]:
            raise ValueError("a vocabulary starts with <pad>, <unk>")
        self.words = list(words)
        if len(set(self.words)) != len(self.words):
            raise ValueError("a vocabulary lists each word once")
        # Text that spells "<pad>" is an unknown word, never padding.
        self.index = {w: i for i, w in enumerate(self.words) if w != PAD}

    pad_id, unk_id = 0, 1

    @classmethod
    def build(cls, sentences: Iterable[list[str]], min_count: int) -> Vocabulary:
        return cls.from_counts(Counter(token for sentence in sentences for token in sentence),
                               min_count)

    @classmethod
    def from_counts(cls, counts: Mapping[str, int], min_count: int) -> Vocabulary:
        # Most frequent first, ties alphabetical: the same corpus always gives the same ids.
        kept = [w for w, c in counts.items() if c >= min_count]
        kept.sort(key=lambda w: (-counts[w], w))
        return cls([PAD, UNK] + [w for w in kept if w not in (PAD, UNK)])

    def extended(self, sentences: Iterable[list[str]]) -> Vocabulary:
        """This vocabulary, then the words of `sentences` it lacks (most frequent first, ties
        alphabetical): ids of the words it had do not change."""
        counts = Counter(t for sentence in sentences for t in sentence if t not in self.index)
        counts.pop(PAD, None)
        return Vocabulary(self.words + sorted(counts, key=lambda w: (-counts[w], w)))

    def __len__(self) -> int:
        return len(self.words)

    def encode(self, tokens: list[str]) -> list[int]:
        return [self.index.get(t, self.unk_id) for t in tokens]

    def digest(self) -> str:
        return hashlib.sha256("\n".join(self.words).encode()).hexdigest()[:12]
