import json
from pathlib import Path

import pytest

from pipeline.__main__ import main
from pipeline.infra.config import load_config
from pipeline.infra.paths import folder_names
from pipeline.summary import markdown, summarise

CONFIG = "configs/default.toml"


def run_name(seed: int) -> str:
    return folder_names(Path(CONFIG), load_config(CONFIG), seed)[0]


def _report(dataset: str, protocol: str, accuracies: dict[str, list[float]], seed: int = 0
            ) -> dict:
    return {"dataset": dataset, "protocol": protocol, "seed": seed,
            "config_digest": load_config(CONFIG).digest(), "data": {"sentences": 100},
            "results": [{"model": name, "accuracy": sum(folds) / len(folds),
                         "std": 0.01 if len(folds) > 1 else None, "folds": folds}
                        for name, folds in accuracies.items()]}


def test_tasks_become_columns_and_reported_rows_stay_apart():
    summary = summarise({
        "mpqa-cv10": _report("mpqa", "cv10",
                             {"nbsvm-bi": [0.86, 0.87], "greedy-rae": [0.85, 0.86]}),
        "sst2-split": _report("sst2", "split", {"nbsvm-bi": [0.82], "tree-rae": [0.83]})},
        run_name(0))
    assert summary["measured"]["nbsvm-bi"]["mpqa-cv10"]["accuracy"] == pytest.approx(0.865)
    assert set(summary["measured"]["tree-rae"]) == {"sst2-split"}
    assert summary["reported"]["Semi-supervised RAE"]["tasks"] == {"mpqa-cv10": 0.864}
    assert summary["reported"]["RNTN"]["tasks"] == {"sst2-split": 0.854}
    text = markdown(summary)
    measured, reported = text.split("## Reported in the literature (not measured here)")
    assert "| model | mpqa-cv10 | sst2-split |" in measured
    assert "| greedy-rae | 85.5 ± 1.0 | - |" in measured
    assert "| tree-rae | - | 83.0 |" in measured  # one test set: no spread
    assert "RNTN" not in measured and "86.4" in reported and "Socher et al. 2011" in reported
    assert f"reports/<column>/{run_name(0)}/accuracy.md" in measured


def test_a_report_of_another_seed_or_a_missing_one_is_refused(tmp_path, capsys):
    args = ["summary", "--config", CONFIG, "--reports", str(tmp_path), "--tasks", "cr-cv10"]
    assert main(args) == 2
    assert "run `make eval DATASET=cr PROTOCOL=cv10 MODEL=all` first" in capsys.readouterr().err
    folder = tmp_path / "cr-cv10" / run_name(0)
    folder.mkdir(parents=True)
    report = _report("cr", "cv10", {"nbsvm-bi": [0.8, 0.82]}, seed=1)
    (folder / "accuracy.json").write_text(json.dumps(report))  # copied there by hand, say
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "made with seed 1, this run uses 0" in err and err.count("\n") == 1
    assert not (tmp_path / "summary").exists()
    (folder / "accuracy.json").write_text(json.dumps({**report, "seed": 0}))
    assert main(args) == 0
    summary = (tmp_path / "summary" / f"{run_name(0)}.md").read_text()
    assert "| nbsvm-bi | 81.0 ± 1.0 |" in summary
