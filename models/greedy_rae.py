"""The greedy tree RAE of Socher et al. 2011 (semi-supervised recursive autoencoder).

A sentence's word vectors are merged bottom-up: at every step the adjacent pair whose
reconstruction error is lowest becomes one node, until a single node is left (n - 1 merges).
Composition and reconstruction are BinaryTreeRAE's (models/binary_tree_rae.py).

Every merge also feeds p to a softmax over the sentence label; the node objective is
alpha * E_rec + (1 - alpha) * cross-entropy. `forward` works in two passes over a padded batch:
`_search` finds the trees without gradients (every adjacent pair scored once, then after each
merge only the two pairs beside the new node), and `_compose` builds the nodes again with
gradients, level by level as the parse-tree RAE does, so autograd records a few batched
operations per tree level instead of many per merge. `reference_tree` does one sentence with
Python lists, for tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from models.binary_tree_rae import BinaryTreeRAE


@dataclass
class GreedyTrees:
    """What `GreedyRAE.forward` returns for a batch of B sentences (at most T words)."""

    merges: torch.Tensor  # (B, T-1) index of the left child in the node list at each step
    parents: torch.Tensor  # (B, T-1, d) node vectors made by each merge
    active: torch.Tensor  # (B, T-1) bool: the merge happened (step < n - 1)
    reconstruction: torch.Tensor  # (B, T-1) weighted reconstruction error of each merge
    top: torch.Tensor  # (B, d) root node (the single word for one-word sentences)
    mean: torch.Tensor  # (B, d) mean of all 2n - 1 nodes (leaves and merges)
    leaves: torch.Tensor  # (B, T, d) the word vectors the tree starts from
    words: torch.Tensor  # (B, T) bool: a real word, not padding


@dataclass
class _Merges:
    """The trees `_search` found. Node ids: word i is i, the parent made at step s is T + s."""

    position: torch.Tensor  # (B, T-1) index of the left child in the node list at each step
    children: torch.Tensor  # (B, T-1, 2) node ids of the two children
    words: torch.Tensor  # (B, T-1, 2) words under each child
    level: torch.Tensor  # (B, T-1) height of the new node (words are 0); 0 where no merge
    parents: torch.Tensor  # (B, T-1, d) the parents the search made (no gradients)
    errors: torch.Tensor  # (B, T-1) their reconstruction errors, as the search scored them


@dataclass
class _Slots:
    """`_search`'s state for a batch, (B, T+1) per slot: slot T is a sink that finished rows
    and missing neighbours write to, so every step runs on the whole batch."""

    nodes: torch.Tensor  # (B, T+1, d) the node whose first word is the slot's
    words: torch.Tensor  # words under it
    node_id: torch.Tensor  # its node id (see _Merges)
    height: torch.Tensor  # its height
    live: torch.Tensor  # bool: it has not been merged into a node on its left
    after: torch.Tensor  # the next live slot; T past the last
    before: torch.Tensor  # the previous live slot; T before the first
    scores: torch.Tensor  # reconstruction error of merging (slot, after[slot])
    candidates: torch.Tensor  # (B, T+1, d) the parent that merge would make

    @staticmethod
    def start(leaves: torch.Tensor, slots: torch.Tensor) -> _Slots:
        """Every word its own node, no pair scored yet; slots = 0..T."""
        batch, steps = leaves.shape[:2]

        def per_row(values):
            return values.repeat(batch, 1)

        return _Slots(nodes=torch.cat([leaves, leaves[:, :1]], 1),
                      words=leaves.new_ones(batch, steps + 1), node_id=per_row(slots),
                      height=per_row(torch.zeros_like(slots)), live=per_row(slots < steps),
                      after=per_row((slots + 1).clamp(max=steps)),
                      before=per_row(torch.where(slots > 0, slots - 1, steps)),
                      scores=leaves.new_full((batch, steps + 1), float("inf")),
                      candidates=torch.zeros_like(leaves[:, :1]).repeat(1, steps + 1, 1))


class GreedyRAE(BinaryTreeRAE):
    def forward(self, ids: torch.Tensor, lengths: torch.Tensor, rescore_all: bool = False
                ) -> GreedyTrees:
        """ids (B, T), lengths (B,) -> the greedy trees of the batch (see GreedyTrees).
        rescore_all=True rescores every pair at every merge (the plain search: the same trees,
        T times the scoring work; kept for the equality test and `make bench`)."""
        leaves = self.leaves(ids)  # (B, T, d)
        merges = self._search(leaves.detach(), lengths, rescore_all)
        return self._trees(lengths, leaves, merges, *self._compose(leaves, merges))

    @torch.no_grad()
    def infer(self, ids: torch.Tensor, lengths: torch.Tensor) -> GreedyTrees:
        """The same trees for prediction, without gradients: the search's own parents and
        errors, so nothing is composed a second time."""
        leaves = self.leaves(ids)
        merges = self._search(leaves, lengths, rescore_all=False)
        return self._trees(lengths, leaves, merges, merges.parents, merges.errors)

    @staticmethod
    def _trees(lengths: torch.Tensor, leaves: torch.Tensor, merges: _Merges,
               parents: torch.Tensor, reconstruction: torch.Tensor) -> GreedyTrees:
        batch, steps, _ = leaves.shape
        active = merges.level > 0
        rows = torch.arange(batch, device=leaves.device)
        top = leaves[:, 0] if steps == 1 else torch.where(
            (lengths > 1)[:, None], parents[rows, (lengths - 2).clamp(min=0)], leaves[:, 0])
        words = torch.arange(steps, device=leaves.device)[None, :] < lengths[:, None]
        total = (leaves * words.unsqueeze(-1)).sum(1) + (parents * active.unsqueeze(-1)).sum(1)
        # where, not a product: a merge that did not happen may hold inf (its unscored pair)
        return GreedyTrees(merges.position, parents, active,
                           torch.where(active, reconstruction, 0.0), top,
                           total / (2 * lengths - 1).unsqueeze(-1), leaves, words)

    @torch.no_grad()
    def _search(self, leaves: torch.Tensor, lengths: torch.Tensor, rescore_all: bool
                ) -> _Merges:
        """The greedy merges of each row. Nothing shifts as nodes merge: slot i holds the node
        whose first word is i, `after` links each live slot to the next, and slot i keeps the
        score and candidate parent of the pair (i, after[i]) until one of its nodes changes."""
        batch, steps, _ = leaves.shape
        inf, rows = float("inf"), torch.arange(batch, device=leaves.device)
        slots = torch.arange(steps + 1, device=leaves.device)  # the last one is the sink
        sink = slots[-1:].expand(batch)
        state = _Slots.start(leaves, slots)
        records = []
        for step in range(steps - 1):
            active = lengths - step > 1
            if step == 0 or rescore_all:
                self._score_pairs(state, rows[:, None], slots[None, :-1], lengths)
            i = torch.where(active, state.scores[:, :-1].argmin(1), sink)
            j = state.after[rows, i]  # the right child's slot, dead from now on
            pair = torch.stack([i, j], 1)
            words = state.words[rows[:, None], pair]
            level = state.height[rows[:, None], pair].amax(1) + 1
            records.append(((state.live & (slots < i[:, None])).sum(1),
                            state.node_id[rows[:, None], pair], words, level * active,
                            state.candidates[rows, i], state.scores[rows, i]))
            state.nodes[rows, i] = state.candidates[rows, i]
            state.words[rows, i] = torch.where(active, words.sum(1), 1.0)
            state.node_id[rows, i], state.height[rows, i] = steps + step, level
            state.live[rows, j], state.scores[rows, j] = False, inf
            following = state.after[rows, j]
            state.after[rows, i], state.before[rows, following] = following, i
            if not rescore_all:  # the two pairs that now hold the new node
                self._score_pairs(state, rows[:, None], torch.stack(
                    [state.before[rows, i], i], 1), lengths)
        if not records:  # only one-word sentences
            none = lengths.new_zeros(batch, 0)
            return _Merges(none, none[..., None].repeat(1, 1, 2), leaves.new_zeros(batch, 0, 2),
                           none, leaves.new_zeros(batch, 0, leaves.shape[2]),
                           leaves.new_zeros(batch, 0))
        position, children, words, level, parents, errors = (
            torch.stack(r, 1) for r in zip(*records, strict=True))
        merged = (level > 0)[..., None]
        return _Merges(position * merged[..., 0], children * merged,
                       torch.where(merged, words, 1.0),  # 1 word: no 0/0 in padding
                       level, parents * merged, torch.where(merged[..., 0], errors, 0.0))

    def _score_pairs(self, state: _Slots, rows: torch.Tensor, slots: torch.Tensor,
                     lengths: torch.Tensor) -> None:
        """Score the pairs (slot, after[slot]) of rows (broadcast against slots) and keep their
        candidate parents; a pair that does not exist (a dead slot or the sink, or no right
        neighbour) scores inf."""
        right = state.after[rows, slots]
        left_nodes, right_nodes = state.nodes[rows, slots], state.nodes[rows, right]
        parent = self.parent(left_nodes, right_nodes)
        error = self.reconstruction_error(left_nodes, right_nodes, state.words[rows, slots],
                                          state.words[rows, right], parent)
        exists = state.live[rows, slots] & (right < lengths[rows])
        state.scores[rows, slots] = error.masked_fill(~exists, float("inf"))
        state.candidates[rows, slots] = parent

    def _compose(self, leaves: torch.Tensor, merges: _Merges
                 ) -> tuple[torch.Tensor, torch.Tensor]:
        """The parents (B, T-1, d) and their reconstruction errors (B, T-1), with gradients:
        every node of one height across the batch is composed at once, its children looked up
        in a table of the nodes made so far."""
        batch, steps, dim = leaves.shape
        table = leaves.reshape(batch * steps, dim)
        row_of = torch.arange(batch * steps, device=leaves.device).view(batch, steps)
        row_of = torch.cat([row_of, row_of.new_zeros(batch, steps - 1)], 1)
        sentence = torch.arange(batch, device=leaves.device)[:, None].expand(-1, steps - 1)
        tallest = int(merges.level.max()) if merges.level.numel() else 0
        for height in range(1, tallest + 1):
            b, s = (merges.level == height).nonzero(as_tuple=True)
            children = row_of[b[:, None], merges.children[b, s]]  # (N, 2) table rows
            parents = self.parent(table[children[:, 0]], table[children[:, 1]])
            row_of[b, steps + s] = len(table) + torch.arange(len(b), device=leaves.device)
            table = torch.cat([table, parents])
        children = row_of[sentence[..., None], merges.children]  # (B, T-1, 2)
        parents = table[row_of[:, steps:]]
        left, right = table[children[..., 0]], table[children[..., 1]]
        return parents, self.reconstruction_error(left, right, merges.words[..., 0],
                                                  merges.words[..., 1], parents)

    @torch.no_grad()
    def sentence_tree(self, ids: list[int]) -> tuple[list[tuple[int, int]], list[int]]:
        """The greedy tree of one sentence: the children of each new node (see merge_children),
        and the class the node softmax gives each new node."""
        device = self.embeddings.weight.device
        trees = self(torch.tensor([ids], device=device), torch.tensor([len(ids)], device=device))
        return (merge_children(len(ids), trees.merges[0].tolist()),
                self.node_classifier(trees.parents[0]).argmax(-1).tolist())


def reference_tree(model: GreedyRAE, ids: list[int]
                   ) -> tuple[list[int], torch.Tensor, list[torch.Tensor]]:
    """One sentence with Python lists: -> (left-child index of each merge, summed weighted
    reconstruction error, the parent made by each merge; the last is the root)."""
    nodes = list(model.leaves(torch.tensor(ids, device=model.embeddings.weight.device)))
    counts = [1.0] * len(ids)
    merges, parents, total = [], [], nodes[0].new_zeros(())
    while len(nodes) > 1:
        errors = []
        for j in range(len(nodes) - 1):
            p = model.parent(nodes[j], nodes[j + 1])
            left_count, right_count = (nodes[0].new_tensor(c) for c in counts[j : j + 2])
            errors.append(model.reconstruction_error(nodes[j], nodes[j + 1], left_count,
                                                     right_count, p))
        k = min(range(len(errors)), key=lambda j: errors[j].item())
        total = total + errors[k]
        parents.append(model.parent(nodes[k], nodes[k + 1]))
        nodes[k : k + 2] = parents[-1:]
        counts[k : k + 2] = [counts[k] + counts[k + 1]]
        merges.append(k)
    return merges, total, parents


def merge_children(words: int, merges: list[int]) -> list[tuple[int, int]]:
    """Greedy merges (left-child positions in the shrinking node list) -> the children of
    each new node, numbered as in data/trees.py: leaves 0..n-1, then nodes as they are made."""
    nodes, children = list(range(words)), []
    for k in merges:
        children.append((nodes[k], nodes[k + 1]))
        nodes[k : k + 2] = [words + len(children) - 1]
    return children
