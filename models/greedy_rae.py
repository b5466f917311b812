"""The greedy tree RAE of Socher et al. 2011 (semi-supervised recursive autoencoder).

A sentence's word vectors are merged bottom-up: at every step the adjacent pair whose
reconstruction error is lowest becomes one node, until a single node is left (n - 1 merges).
Composition and reconstruction are BinaryTreeRAE's (models/binary_tree_rae.py).

Every merge also feeds p to a softmax over the sentence label; the node objective is
alpha * E_rec + (1 - alpha) * cross-entropy. `forward` builds the trees of a padded batch at
once: it scores every adjacent pair of every sentence in one matrix product (without
gradients); then each step takes the argmin per sentence, recomputes just the chosen parents
with gradients, shifts the node lists and rescores only the two pairs beside each new parent.
`reference_tree` does one sentence with Python lists, for tests.
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


class GreedyRAE(BinaryTreeRAE):
    def forward(self, ids: torch.Tensor, lengths: torch.Tensor, rescore_all: bool = False
                ) -> GreedyTrees:
        """ids (B, T), lengths (B,) -> the greedy trees of the batch (see GreedyTrees).

        A merge changes only the two pairs beside the new parent, so each step rescores just
        those (2 per sentence) and keeps the other pairs' scores; rescore_all=True rescores
        every pair at every step instead (the plain algorithm: the same trees, T times the
        scoring work; kept for the equality test and `make bench`)."""
        batch, steps = ids.shape
        leaves = self.leaves(ids)  # (B, T, d)
        nodes, counts = leaves, torch.ones(batch, steps, device=ids.device)
        rows = torch.arange(batch, device=ids.device)
        scores = self._pair_scores(nodes, counts) if steps > 1 else None
        merges, parents, errors, actives = [], [], [], []
        for step in range(steps - 1):
            size = steps - step  # nodes per row now; row b holds lengths[b] - step real ones
            active = lengths - step > 1  # (B,)
            pair = torch.arange(size - 1, device=ids.device)
            if rescore_all:
                scores = self._pair_scores(nodes, counts)
            with torch.no_grad():  # only the winner needs gradients
                open_pairs = pair[None, :] < (lengths - step - 1)[:, None]
                k = scores.masked_fill(~open_pairs, float("inf")).argmin(1) * active  # (B,)
            left, right = nodes[rows, k], nodes[rows, k + 1]
            left_count, right_count = counts[rows, k], counts[rows, k + 1]
            parent = self.parent(left, right)
            errors.append(self.reconstruction_error(left, right, left_count, right_count, parent))
            merges.append(k)
            parents.append(parent)
            actives.append(active)
            # New node list: positions < k unchanged, k the parent, > k shifted left by one.
            source = pair + (pair[None, :] > k[:, None])  # (B, size-1)
            shifted = nodes.gather(1, source.unsqueeze(-1).expand(-1, -1, nodes.shape[-1]))
            is_parent = (pair[None, :] == k[:, None]).unsqueeze(-1)
            shifted = torch.where(is_parent, parent.unsqueeze(1), shifted)
            shifted_counts = counts.gather(1, source)
            shifted_counts = torch.where(is_parent.squeeze(-1),
                                         (left_count + right_count).unsqueeze(1), shifted_counts)
            keep = active[:, None]
            nodes = torch.where(keep.unsqueeze(-1), shifted, nodes[:, :-1])
            counts = torch.where(keep, shifted_counts, counts[:, :-1])
            if size > 2 and not rescore_all:
                scores = self._rescore_beside(scores, nodes, counts, k)
        return self._collect(leaves, lengths, merges, parents, errors, actives, nodes[:, 0])

    @torch.no_grad()
    def _pair_scores(self, nodes: torch.Tensor, counts: torch.Tensor) -> torch.Tensor:
        """Reconstruction error of merging each adjacent pair: (B, size) -> (B, size-1)."""
        left, right = nodes[:, :-1].detach(), nodes[:, 1:].detach()
        return self.reconstruction_error(left, right, counts[:, :-1], counts[:, 1:],
                                         self.parent(left, right))

    @torch.no_grad()
    def _rescore_beside(self, scores: torch.Tensor, nodes: torch.Tensor, counts: torch.Tensor,
                        k: torch.Tensor) -> torch.Tensor:
        """Pair scores of the new node list after merging at k: new pair i is old pair i left
        of the parent and old pair i + 1 right of it; the two pairs that hold the parent
        (k - 1 and k) are scored afresh. (A finished row's pairs are all masked: its scores
        need not be right.)"""
        pair = torch.arange(nodes.shape[1] - 1, device=nodes.device)
        kept = scores.gather(1, pair + (pair[None, :] > k[:, None]))
        beside = torch.stack([k - 1, k], 1).clamp(0, nodes.shape[1] - 2)  # (B, 2)
        rows = torch.arange(nodes.shape[0], device=nodes.device)[:, None]
        left, right = nodes[rows, beside].detach(), nodes[rows, beside + 1].detach()
        fresh = self.reconstruction_error(left, right, counts[rows, beside],
                                          counts[rows, beside + 1], self.parent(left, right))
        return kept.scatter(1, beside, fresh)

    @torch.no_grad()
    def sentence_tree(self, ids: list[int]) -> tuple[list[tuple[int, int]], list[int]]:
        """The greedy tree of one sentence: the children of each new node (see merge_children),
        and the class the node softmax gives each new node."""
        device = self.embeddings.weight.device
        trees = self(torch.tensor([ids], device=device), torch.tensor([len(ids)], device=device))
        return (merge_children(len(ids), trees.merges[0].tolist()),
                self.node_classifier(trees.parents[0]).argmax(-1).tolist())

    def _collect(self, leaves, lengths, merges, parents, errors, actives, top) -> GreedyTrees:
        batch, steps, dim = leaves.shape
        if steps == 1:  # only one-word sentences: no merges at all
            empty = leaves.new_zeros(batch, 0)
            merges_t, parents_t = empty.long(), leaves.new_zeros(batch, 0, dim)
            errors_t, actives_t = empty, empty.bool()
        else:
            merges_t, parents_t = torch.stack(merges, 1), torch.stack(parents, 1)
            errors_t, actives_t = torch.stack(errors, 1), torch.stack(actives, 1)
        word_mask = torch.arange(steps, device=leaves.device)[None, :] < lengths[:, None]
        total = ((leaves * word_mask.unsqueeze(-1)).sum(1)
                 + (parents_t * actives_t.unsqueeze(-1)).sum(1))
        mean = total / (2 * lengths - 1).unsqueeze(-1)
        return GreedyTrees(merges_t, parents_t, actives_t, errors_t * actives_t, top, mean,
                           leaves, word_mask)


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
