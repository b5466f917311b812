"""A binary constituency parser that scores spans, after Stern et al. 2017 ("A minimal
span-based neural constituency parser"), learned from SST's trees: their brackets only, never a
sentiment label (SST has no syntactic labels either).

A word is its vector and, where `chars` > 0, a convolution over its UTF-8 bytes (max-pooled),
which reads the words the vocabulary lacks or saw rarely by their spelling (suffixes, hyphens,
digits). A BiLSTM reads [<s>, w_1 .. w_n, </s>]. Fencepost k (between words k and k+1,
0 <= k <= n) is [f_k; b_{k+1}], the forward state after word k and the backward state before
it; span (i, j) is fencepost j minus fencepost i, and its score a one-hidden-layer MLP of that
difference. The MLP's first layer is linear, so it is applied to the fenceposts once, and each
span's hidden layer is relu(P_j - P_i + c): an (n+1) x (n+1) table per sentence with no span's
features ever built. The best tree under these scores comes from CKY (models/chart.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

MAX_WORD_BYTES = 20  # a word's first bytes that its spelling features read


class Sentence(NamedTuple):
    ids: list[int]  # the words' vocabulary ids
    words: list[str]  # the words as read (their bytes make the spelling features)


@dataclass
class SpanParserConfig:
    vocab_size: int  # words; the embedding table has two rows more, <s> and </s>
    dim: int  # word vector size
    lstm: int = 150  # BiLSTM state size, each direction
    layers: int = 2
    hidden: int = 150  # the span MLP's hidden layer
    dropout: float = 0.3
    chars: int = 50  # filters of the byte convolution (0: words by their vector alone)


class SpanParser(nn.Module):
    def __init__(self, config: SpanParserConfig):
        super().__init__()
        self.config = config
        self.embeddings = nn.Embedding(config.vocab_size + 2, config.dim, padding_idx=0)
        if config.chars:
            self.byte_embeddings = nn.Embedding(257, 16, padding_idx=0)  # byte b is row b + 1
            self.byte_filters = nn.Conv1d(16, config.chars, 3, padding=1)
        self.lstm = nn.LSTM(config.dim + config.chars, config.lstm, config.layers,
                            batch_first=True,
                            bidirectional=True,
                            dropout=config.dropout if config.layers > 1 else 0.0)
        self.dropout = nn.Dropout(config.dropout)
        self.fence_layer = nn.Linear(2 * config.lstm, config.hidden, bias=False)
        self.span_bias = nn.Parameter(torch.zeros(config.hidden))
        self.span_score = nn.Linear(config.hidden, 1)

    @property
    def start_id(self) -> int:
        return self.config.vocab_size

    def padded(self, sentences: list[Sentence], device: torch.device) -> torch.Tensor:
        """-> (B, N+2) ids of [<s>, words, </s>], padded with 0."""
        width = max(len(s.ids) for s in sentences) + 2
        ids = torch.zeros(len(sentences), width, dtype=torch.long)
        for row, sentence in enumerate(sentences):
            ids[row, : len(sentence.ids) + 2] = torch.tensor(
                [self.start_id, *sentence.ids, self.start_id + 1])
        return ids.to(device)

    def spellings(self, sentences: list[Sentence], device: torch.device) -> torch.Tensor:
        """-> (B, N+2, chars): each word's byte convolution, max-pooled (zeros at <s>, </s>
        and the padding)."""
        width = max(len(s.words) for s in sentences) + 2
        codes = torch.zeros(len(sentences), width, MAX_WORD_BYTES, dtype=torch.long)
        for row, sentence in enumerate(sentences):
            for position, word in enumerate(sentence.words, start=1):
                spelled = word.encode("utf-8")[:MAX_WORD_BYTES]
                codes[row, position, : len(spelled)] = torch.tensor(list(spelled)) + 1
        codes = codes.to(device)
        bytes_ = self.byte_embeddings(codes.flatten(0, 1)).transpose(1, 2)  # (B·W, 16, bytes)
        pooled = torch.relu(self.byte_filters(bytes_)).amax(-1)
        return pooled.view(len(sentences), width, -1) * (codes[..., :1] > 0)

    def forward(self, sentences: list[Sentence], device: torch.device) -> torch.Tensor:
        """-> (B, N+1, N+1) span scores, [b, i, j] that of words i..j-1 of sentence b (N the
        longest sentence; entries with i >= j or past a sentence's end mean nothing)."""
        lengths = torch.tensor([len(s.ids) + 2 for s in sentences])
        vectors = self.embeddings(self.padded(sentences, device))
        if self.config.chars:
            vectors = torch.cat([vectors, self.spellings(sentences, device)], -1)
        vectors = self.dropout(vectors)
        packed = pack_padded_sequence(vectors, lengths, batch_first=True, enforce_sorted=False)
        states, _ = pad_packed_sequence(self.lstm(packed)[0], batch_first=True)
        states = self.dropout(states)
        m = self.config.lstm
        fences = torch.cat([states[:, :-1, :m], states[:, 1:, m:]], -1)  # (B, N+1, 2m)
        projected = self.fence_layer(fences)  # (B, N+1, hidden)
        hidden = torch.relu(projected[:, None, :, :] - projected[:, :, None, :] + self.span_bias)
        return self.span_score(hidden).squeeze(-1)
