"""A training loop stopped after any step and resumed from its checkpoint ends exactly where an
uninterrupted one does: same parameters, same losses, same early-stopping curve."""

import copy

import numpy as np
import pytest
import torch

from models.classifier import LinearRAEClassifier
from models.word_rae import WordRAE
from pipeline.infra.artifacts import ArtifactError
from pipeline.infra.checkpoints import checkpoint_path, open_checkpoint
from training.linear import fine_tune
from training.rae_pretrain import pretrain_rae
from training.resume import Checkpoint
from training.schedule import Schedule
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
    model = LinearRAEClassifier(encoder, dropout=0.3)
    curve = fine_tune(model, (SENTENCES[:80], LABELS[:80]), (SENTENCES[80:], LABELS[80:]),
                      alpha=0.2, schedule=Schedule(3, patience=3, batch_size=16, lr=1e-2,
                                                   clip_norm=1.0),
                      max_length=10, seed=0, device=CPU, checkpoint=checkpoint.scope("fold0"))
    return model.state_dict(), [skipgram_losses, rae_losses, vars(curve)]


def _saves() -> list[tuple[str, int, int, bool]]:
    """(loop, epoch, step, finished) of each save an uninterrupted run makes, in order."""
    disk = []
    _train(_killed_after(-1, disk))
    saves, before = [], {}
    for entries in disk:
        now = {name: (state["epoch"], state["step"], state["finished"])
               for name, state in entries.items()}
        [loop] = [name for name in now if before.get(name) != now[name]]  # the one that saved
        saves.append((loop, *now[loop]))
        before = now
    return saves


def _kill_points() -> dict[str, int]:
    """Save numbers (1-based) to die after: inside each loop, at an epoch's end before its dev
    accuracy, at a loop's finish, and at the very end."""
    saves = _saves()
    loops = list(dict.fromkeys(loop for loop, *_ in saves))
    first = {loop: next(i for i, s in enumerate(saves, 1) if s[0] == loop) for loop in loops}
    finish = {loop: next(i for i, s in enumerate(saves, 1) if s[0] == loop and s[3])
              for loop in loops}
    skipgram, rae, tune = loops
    tune_epoch_end = max(i for i, (loop, epoch, _, done) in enumerate(saves, 1)
                         if loop == tune and epoch == 0 and not done)
    return {"inside skip-gram": first[skipgram], "skip-gram finished": finish[skipgram],
            "inside the RAE's first epoch": first[rae] + 1,
            "the RAE's middle": (first[rae] + finish[rae]) // 2, "RAE finished": finish[rae],
            "inside fine-tuning": first[tune] + 1, "fine-tuning's first epoch end": tune_epoch_end,
            "fine-tuning's middle": (first[tune] + finish[tune]) // 2, "the very end": len(saves)}


KILL_POINTS = ["inside skip-gram", "skip-gram finished", "inside the RAE's first epoch",
               "the RAE's middle", "RAE finished", "inside fine-tuning",
               "fine-tuning's first epoch end", "fine-tuning's middle", "the very end"]


# Trained once for all kill points: the uninterrupted run, and where to kill.
@pytest.fixture(scope="module")
def uninterrupted() -> tuple[dict, list]:
    return _train(Checkpoint.in_memory())


@pytest.fixture(scope="module")
def kill_points() -> dict[str, int]:
    return _kill_points()


@pytest.mark.slow
@pytest.mark.parametrize("point", KILL_POINTS)
def test_resumed_training_equals_uninterrupted(point, uninterrupted, kill_points):
    expected_state, expected_history = uninterrupted
    disk = []
    with pytest.raises(Killed):
        _train(_killed_after(kill_points[point], disk))
    torch.manual_seed(123)  # the resumed process starts from another random state
    state, history = _train(Checkpoint.writing(disk[-1], lambda entries: None, 0))
    assert history == expected_history
    assert all(torch.equal(state[name], expected_state[name]) for name in expected_state)


def test_kill_points_are_distinct_and_each_loop_saves_every_step_then_its_finish(kill_points):
    points = kill_points
    assert set(points) == set(KILL_POINTS) and len(set(points.values())) == len(points)
    saves = _saves()
    for loop in dict.fromkeys(loop for loop, *_ in saves):
        mine = [s for s in saves if s[0] == loop]
        assert [done for *_, done in mine] == [False] * (len(mine) - 1) + [True]


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
