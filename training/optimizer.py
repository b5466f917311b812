"""The optimisers the training stages use: Adam, and AdaGrad for the phrase models."""

from __future__ import annotations

from collections.abc import Iterable

import torch


def adam(parameters: Iterable[torch.nn.Parameter], lr: float) -> torch.optim.Adam:
    """Adam with the fused kernel: one pass over each tensor instead of a dozen. On CPU the
    default per-tensor loop made stepping the embedding table a large share of greedy training
    (docs/mr.md, Speed); torch fuses by default only on CUDA. The same update,
    up to rounding."""
    return torch.optim.Adam(parameters, lr=lr, fused=True)


def adagrad(model: torch.nn.Module, lr: float, word_lr: float) -> torch.optim.Adagrad:
    """AdaGrad, the word vectors (model.embeddings) at a rate of their own. Their gradient
    may be sparse: nn.Embedding makes it well-formed, so torch's check of it is left off
    (stated, which also silences torch's warning that it is off)."""
    torch.sparse.check_sparse_tensor_invariants.disable()
    words = model.embeddings.weight
    rest = [p for p in model.parameters() if p is not words]
    return torch.optim.Adagrad([{"params": rest, "lr": lr}, {"params": [words], "lr": word_lr}])


def restart_adagrad(optimizer: torch.optim.Adagrad) -> None:
    """Forget the squared gradients summed so far (CoreNLP does after every epoch), so the
    step size grows back instead of shrinking for good."""
    for state in optimizer.state.values():
        state["sum"].zero_()
