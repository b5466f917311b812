import json
import subprocess
import sys

import pytest
import torch

from training.toy import RECIPES, initial_model, one_hot_stream, recalled, train


@pytest.mark.slow
def test_unrolled_recipe_recalls_all_eight_inputs():
    for seed in range(3):
        result = train("unrolled", length=8, hidden=24, steps=300, seed=seed)
        assert result.recalled == 8, (seed, result.trace)


def test_recall_counts_positions_in_order():
    model = initial_model(length=4, hidden=6, seed=0)
    x = one_hot_stream(4)
    with torch.no_grad():  # a decoder that always answers unit 3 is right at position 4 only
        model.decode_input.weight.zero_()
        model.decode_input.bias.copy_(torch.tensor([0.0, 0.0, 0.0, 1.0]))
    assert recalled(model, x) == 1


def test_recipes_share_the_seed_initialisation():
    assert set(RECIPES) == {"original", "unrolled"}
    first, second = initial_model(8, 24, seed=3), initial_model(8, 24, seed=3)
    assert all(torch.equal(a, b) for a, b in zip(first.parameters(), second.parameters(),
                                                  strict=True))
    assert 0.05 < first.decode_state.weight.std().item() < 0.15  # Gaussian, std 0.1


@pytest.mark.integration
def test_toy_command_writes_the_report(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "toy", "--steps", "40", "--repeats", "2",
         "--longer", "2", "--sweep-lengths", "8", "10", "--sweep-hidden", "24",
         "--reports", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "toy" / "toy.json").read_text())
    assert report["length"] == 8 and report["hidden"] == 24
    assert [s["name"] for s in report["settings"]] == ["original", "unrolled", "original, 2x steps"]
    assert [s["steps"] for s in report["settings"]] == [40, 40, 80]
    # The report says what training gives: the same recipes, seed and steps, in this process.
    recalled = {s["name"]: s["recalled"] for s in report["settings"]}
    assert recalled["original"] == train("original", 8, 24, 40, seed=0).recalled
    assert recalled["unrolled"] == train("unrolled", 8, 24, 40, seed=0).recalled
    assert report["repeats"][1]["recalled"]["unrolled"] == train("unrolled", 8, 24, 40,
                                                                 seed=1).recalled
    assert [(r["hidden"], r["length"]) for r in report["sweep"]] == [(24, 8), (24, 10)]
    assert [r["seed"] for r in report["repeats"]] == [0, 1]
    for name in ("toy.png", "training.png", "sweep.png"):
        assert (tmp_path / "toy" / name).stat().st_size > 0
