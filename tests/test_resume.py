"""A training loop stopped after any step and resumed from its checkpoint ends exactly where an
uninterrupted one does: same parameters, same losses, same early-stopping curve."""

import copy

import numpy as np
import pytest
import torch

from models.classifier import RAEClassifier
from models.word_rae import WordRAE
from pipeline.artifacts import ArtifactError
from pipeline.checkpoints import checkpoint_path, open_checkpoint
from training.classifier import fine_tune
from training.rae_pretrain import pretrain_rae
from training.resume import Checkpoint
from training.skipgram import train_skipgram

CPU = torch.device("cpu")
rng = np.random.default_rng(0)
SENTENCES = [rng.integers(2, 40, rng.integers(2, 9)).tolist() for _ in range(120)]
LABELS = np.array([int(s[-1] < 20) for s in SENTENCES])


class Killed(Exception):
    pass


def _killed_after(saves: int, disk: list) -> Checkpoint:
    """A checkpoint saved after every step, whose process 'dies' right after save `saves`."""

    def write(entries):
        disk.append(copy.deepcopy(entries))
        if len(disk) == saves:
            raise Killed

    return Checkpoint.writing({}, write, every_seconds=0)


def _train(checkpoint: Checkpoint) -> tuple[dict, list]:
    """Skip-gram, RAE pretraining and fine-tuning (dropout: the torch stream matters too)."""
    torch.manual_seed(0)
    vectors, skipgram_losses = train_skipgram(SENTENCES, 40, 8, 2, 2, 1e-3, 2, 256, 1e-2, 0, CPU,
                                              checkpoint)
    encoder = WordRAE(40, 8, 12)
    with torch.no_grad():
        encoder.embeddings.weight.copy_(vectors)
    rae_losses = pretrain_rae(encoder, SENTENCES, 2, 16, 1e-2, 10, 0, CPU, checkpoint)
    model = RAEClassifier(encoder, dropout=0.3)
    curve = fine_tune(model, (SENTENCES[:80], LABELS[:80]), (SENTENCES[80:], LABELS[80:]),
                      alpha=0.2, epochs=3, batch_size=16, lr=1e-2, clip_norm=1.0, patience=3,
                      max_length=10, seed=0, device=CPU, checkpoint=checkpoint.scope("fold0"))
    return model.state_dict(), [skipgram_losses, rae_losses, vars(curve)]


def _steps() -> int:
    disk = []
    _train(_killed_after(-1, disk))
    return len(disk)


# One save per step: skip-gram saves 1-3 (one step an epoch, then its finish), the RAE 4-20
# (8 steps an epoch), fine-tuning 21-36 (5 an epoch, dev accuracy after each). Kill inside each
# loop, at an epoch's end before its dev accuracy, at a loop's finish, and at the very end.
@pytest.mark.parametrize("saves", [1, 3, 5, 11, 20, 22, 25, 30, "last"])
def test_resumed_training_equals_uninterrupted(saves):
    expected_state, expected_history = _train(Checkpoint.in_memory())
    disk = []
    saves = _steps() if saves == "last" else saves
    with pytest.raises(Killed):
        _train(_killed_after(saves, disk))
    torch.manual_seed(123)  # the resumed process starts from another random state
    state, history = _train(Checkpoint.writing(disk[-1], lambda entries: None, 0))
    assert history == expected_history
    assert all(torch.equal(state[name], expected_state[name]) for name in expected_state)


def test_the_kill_points_fall_where_the_comment_says():
    assert _steps() == 36


def test_a_checkpoint_from_other_settings_is_replaced_and_a_damaged_one_named(tmp_path, capsys):
    artifact = tmp_path / "pretrain.pt"
    open_checkpoint(artifact, {"config_digest": "aaa"}, 0, "pretrain").put("loop", {"step": 3})
    resumed = open_checkpoint(artifact, {"config_digest": "aaa"}, 0, "pretrain")
    assert resumed.get("loop") == {"step": 3}
    other = open_checkpoint(artifact, {"config_digest": "bbb"}, 0, "pretrain")
    assert other.get("loop") is None
    assert "config_digest aaa -> bbb): starting over" in capsys.readouterr().out
    checkpoint_path(artifact).write_bytes(b"not a checkpoint")
    with pytest.raises(ArtifactError, match=r"pretrain.checkpoint.pt is damaged.*make pretrain"):
        open_checkpoint(artifact, {"config_digest": "aaa"}, 0, "pretrain")
