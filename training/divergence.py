"""Stop a run whose loss is no longer a finite number, with a message a user can act on."""

import torch


class TrainingDiverged(RuntimeError):
    """The loss became NaN or infinite. Artifacts are only written when a stage ends, so the
    previous artifact on disk is untouched."""


def check_finite(loss: torch.Tensor, where: str) -> None:
    if not torch.isfinite(loss):
        raise TrainingDiverged(f"{where}: the loss became {loss.item()}; nothing was written "
                               f"(a previous artifact is kept); try a lower learning rate")
