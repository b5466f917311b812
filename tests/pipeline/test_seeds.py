import json
from pathlib import Path

import pytest

from pipeline.__main__ import main
from pipeline.infra.config import load_config
from pipeline.infra.paths import folder_names
from pipeline.seeds import across_seeds, measures_markdown, other_measures

CONFIG = "configs/default.toml"


def _report(seed: int, folds: dict[str, list[float]]) -> dict:
    return {"dataset": "mr", "protocol": "cv10", "seed": seed,
            "config_digest": load_config(CONFIG).digest(), "data": {"sentences": 100},
            "results": [{"model": name, "accuracy": sum(f) / len(f), "std": 0.0, "folds": f}
                        for name, f in folds.items()]}


def test_every_fold_of_every_seed_counts_once():
    models = across_seeds({0: _report(0, {"a": [0.7, 0.8]}), 3: _report(3, {"a": [0.9, 0.8]})})
    row = models["a"]
    assert row["accuracy"] == pytest.approx(0.8) and row["test_sets"] == 4
    assert row["seed_means"] == {0: pytest.approx(0.75), 3: pytest.approx(0.85)}
    assert row["std"] == pytest.approx(0.0816, abs=1e-4)  # sample std of the four folds
    assert row["std_of_seed_means"] == pytest.approx(0.0707, abs=1e-4)


def test_other_measures_are_the_mean_and_std_of_the_seeds_that_have_them():
    reports = {}
    for seed, (phrases, negation, probes) in enumerate([(0.8, 0.7, 0.5), (0.9, 0.6, None)]):
        report = _report(seed, {"rntn": [0.8], "nbsvm-bi": [0.82]})
        report["results"][0].update(all_phrases=phrases,
                                    subsets={"negation": {"accuracy": negation}})
        report["probes"] = {} if probes is None else {"rntn": {"accuracy": probes}}
        reports[seed] = report
    measured = other_measures(reports, ["rntn", "nbsvm-bi"])
    assert measured["rntn"]["all phrases"] == {"mean": pytest.approx(0.85), "seeds": 2,
                                               "std": pytest.approx(0.0707, abs=1e-4)}
    assert measured["rntn"]["probes"] == {"mean": 0.5, "seeds": 1, "std": None}
    assert "nbsvm-bi" not in measured  # it has none of them
    assert "| rntn | 85.0 ± 7.1 | 65.0 ± 7.1 | 50.0 |" in measures_markdown(measured)


def test_seeds_land_in_folders_of_their_own_and_one_table_gathers_them(tmp_path, capsys):
    args = ["seeds", "--config", CONFIG, "--reports", str(tmp_path), "--protocol", "cv10",
            "--seeds", "0", "1"]
    for seed, folds in ((0, [0.7, 0.8]), (1, [0.8, 0.9])):
        folder = tmp_path / "mr-cv10" / folder_names(Path(CONFIG), load_config(CONFIG), seed)[0]
        folder.mkdir(parents=True)
        (folder / "accuracy.json").write_text(json.dumps(_report(seed, {"nbsvm-bi": folds})))
    assert main(args) == 0
    (table,) = (tmp_path / "mr-cv10").glob("default-*-seeds.json")
    assert json.loads(table.read_text())["models"]["nbsvm-bi"]["accuracy"] == pytest.approx(0.8)
    assert "| nbsvm-bi | 80.0 | 8.2 | 7.1 | 75.0 | 85.0 |" in table.with_suffix(".md").read_text()
    assert main([*args, "2"]) == 2
    assert "run `make eval DATASET=mr PROTOCOL=cv10 MODEL=linear SEED=2` first" in \
        capsys.readouterr().err


def test_seeds_of_several_processes_are_read_and_gathered_apart(tmp_path):
    """--nproc finds the runs of pretraining in that many processes, never one process's."""
    args = ["seeds", "--config", CONFIG, "--reports", str(tmp_path), "--protocol", "cv10",
            "--seeds", "0", "1", "--nproc", "2"]
    for seed in (0, 1):
        name = folder_names(Path(CONFIG), load_config(CONFIG), seed, nproc=2)[0]
        folder = tmp_path / "mr-cv10" / name
        folder.mkdir(parents=True)
        (folder / "accuracy.json").write_text(json.dumps(_report(seed, {"a": [0.7, 0.8]})))
    assert main(args) == 0
    assert [p.name for p in (tmp_path / "mr-cv10").glob("*-seeds*.json")] == \
        [f"{name.rsplit('-seed', 1)[0]}-seeds-nproc2.json"]
