"""Stop a run whose loss is no longer a finite number, with a message a user can act on."""

import math


class TrainingDiverged(RuntimeError):
    """The loss became NaN or infinite. Artifacts are only written when a stage ends, and a
    checkpoint only after a step whose loss was checked, so both stay as they were."""


def check_finite(loss: float, where: str) -> float:
    """-> loss, when it is a finite number (callers pass the value they log anyway)."""
    if not math.isfinite(loss):
        raise TrainingDiverged(f"{where}: the loss became {loss}; nothing was written (the "
                               f"last good checkpoint and any previous artifact are kept); "
                               f"try a lower learning rate")
    return loss
