"""The whole chain through make, on a slice of the real data with a tiny config.

`make eval` runs once per session (conftest.py); every test that runs make again works on its
own copy of that build, so no test sees what another did and their order does not matter.
"""

import gzip
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from nltk import Tree

from data.vectors import read_vectors
from pipeline import RAEClassifier
from pipeline.evaluate import UNROLL_POSITIONS
from pipeline.infra.config import load_config
from pipeline.infra.paths import folder_names

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration
RUN, _ = folder_names(Path("tests/tiny.toml"), load_config(ROOT / "tests/tiny.toml"), 0)


def _report(workdir: Path, task: str, run: str = RUN) -> Path:
    """A task's report folder: reports/<task>/<run>/."""
    return workdir / "reports" / task / run


def _mr_lines(data: Path) -> int:
    return sum(len((data / "mr" / name).read_bytes().rstrip(b"\n").split(b"\n"))
               for name in ("rt-polarity.pos", "rt-polarity.neg"))


def _non_neutral_test_roots(data: Path) -> int:
    lines = (data / "sst" / "test.txt").read_text(encoding="utf-8").split("\n")
    return sum(Tree.fromstring(line).label() != "2" for line in lines if line.strip())


def test_eval_writes_the_report(built, data_slice):
    report_dir = _report(built, "mr-split")
    report = json.loads((report_dir / "accuracy.json").read_text())
    assert report["dataset"] == "mr" and report["protocol"] == "split" and report["seed"] == 0
    models = [row["model"] for row in report["results"]]
    assert models == ["majority", "tfidf-lr", "nbsvm-bi", "linear-rae-frozen",
                      "linear-rae-finetuned", "rae+nbsvm"]
    fusion = report["fusion"]
    assert fusion["rae_row"] in models[3:5] and all(0 <= w <= 1 for w in fusion["rae_weights"])
    for row in report["results"]:
        assert 0.0 <= row["accuracy"] <= 1.0 and len(row["folds"]) == 1 and row["std"] is None
        assert sum(map(sum, row["confusion"])) == _mr_lines(data_slice) // 10  # the test part
    # A trained row's time is its training's, as classify recorded it.
    (classified,) = (built / "build").glob("tiny-*-seed0/classify-linear-mr-split.pt")
    made = torch.load(classified, weights_only=True)["folds"][0]["models"]
    assert {r["model"]: r["seconds"] for r in report["results"][3:5]} == {
        name: row["seconds"] for name, row in made.items()}
    assert report["results"][0]["accuracy"] == 0.5  # majority on a balanced test set
    assert all(r["reported"] for r in report["references"])
    assert len(report["unroll"]["recovered"]) == UNROLL_POSITIONS
    for name in ("accuracy.md", "confusion.png", "curves.png", "unroll.png"):
        assert (report_dir / name).stat().st_size > 0


def test_a_second_build_from_scratch_gives_the_same_report(make, built, data_slice, tmp_path):
    """Same machine, versions, seed and thread count: every number of the report again, to
    the last bit (the times aside)."""
    result = make("eval", workdir=tmp_path, data=data_slice)
    assert result.returncode == 0, result.stderr

    def measured(workdir: Path) -> tuple[list, bytes]:
        folder = _report(workdir, "mr-split")
        report = json.loads((folder / "accuracy.json").read_text())
        return ([{k: v for k, v in row.items() if k != "seconds"} for row in report["results"]],
                (folder / "predictions.json").read_bytes())

    assert measured(tmp_path) == measured(built)


def test_pretraining_writes_its_vectors_for_other_tools(built):
    (path,) = (built / "build").glob("pretrain-*/vectors.txt")
    (pretrained,) = (built / "build").glob("pretrain-*/pretrain.pt")
    pretrained = torch.load(pretrained, weights_only=True)
    dim, found = read_vectors(path, set(pretrained["vocab"]))
    table = pretrained["encoder"]["embeddings.weight"]
    assert dim == table.shape[1] and list(found) == pretrained["vocab"]
    assert torch.allclose(torch.tensor(list(found.values())), table, rtol=1e-5, atol=1e-6)


def test_pretraining_on_a_corpus_of_ones_own(make, chain, data_slice, tmp_path):
    corpus = tmp_path / "my corpus"
    corpus.mkdir()
    words = "the a film plot actor scene good bad long short fun dull story".split()
    rng = np.random.default_rng(0)
    lines = [" ".join(rng.choice(words, 8)) + " ." for _ in range(300)]
    (corpus / "part1.txt").write_text("\n".join(lines[:200]) + "\n")
    (corpus / "part2.txt.gz").write_bytes(gzip.compress(("\n".join(lines[200:]) + "\n").encode()))
    before = set((chain / "build").glob("pretrain-*"))
    result = make("pretrain", workdir=chain, data=data_slice, extra=[f"CORPUS={corpus}"])
    assert result.returncode == 0, result.stderr
    (folder,) = set((chain / "build").glob("pretrain-*")) - before
    pretrained = torch.load(folder / "pretrain.pt", weights_only=True)
    assert pretrained["sentences"] == 300 and len(pretrained["vocab"]) == 2 + len(words) + 1
    assert (folder / "vectors.txt").is_file() and list((chain / "build/data").glob("unlabeled-*"))
    again = make("pretrain", workdir=chain, data=data_slice, extra=[f"CORPUS={corpus}"])
    assert again.returncode == 0 and "pipeline" not in again.stdout


def test_finished_stages_are_not_rerun(make, built, data_slice):
    outputs = [*sorted((built / "build").rglob("*.pt")),
               _report(built, "mr-split") / "accuracy.json"]
    before = {path: path.stat().st_mtime_ns for path in outputs}
    result = make("eval", workdir=built, data=data_slice)
    assert result.returncode == 0, result.stderr
    assert "pipeline" not in result.stdout  # no stage was started
    assert before == {path: path.stat().st_mtime_ns for path in outputs}


def test_benchmark_gathers_each_task_once(make, chain, data_slice):
    tasks = ["subj-split", "cr-cv10"]  # the slices are small enough for one cv10
    only = [f"BENCHMARK={' '.join(tasks)}"]
    result = make("benchmark", workdir=chain, data=data_slice, extra=only)
    assert result.returncode == 0, result.stderr
    summary = json.loads((chain / "reports" / "summary" / f"{RUN}.json").read_text())
    assert list(summary["tasks"]) == tasks
    for model in ("nbsvm-bi", "linear-rae-finetuned", "greedy-rae"):
        assert set(summary["measured"][model]) == set(tasks)
    assert summary["measured"]["greedy-rae"]["cr-cv10"]["folds"] == 10
    assert summary["reported"]["NBSVM"]["tasks"] == {"subj-split": 0.932, "cr-cv10": 0.818}
    report = json.loads((_report(chain, "subj-split") / "accuracy.json").read_text())
    assert list(report["results"][0]["per_class"]) == ["objective", "subjective"]
    again = make("benchmark", workdir=chain, data=data_slice, extra=only)
    assert again.returncode == 0 and "pipeline" not in again.stdout


def test_sweep_keeps_each_seeds_report_and_gathers_them(make, chain, data_slice):
    result = make("sweep", workdir=chain, data=data_slice, extra=["SEEDS=0 1", "JOBS=2"])
    assert result.returncode == 0, result.stderr
    seed1, _ = folder_names(Path("tests/tiny.toml"), load_config(ROOT / "tests/tiny.toml"), 1)
    reports = [json.loads((_report(chain, "mr-split", run) / "accuracy.json").read_text())
               for run in (RUN, seed1)]
    assert [report["seed"] for report in reports] == [0, 1]
    (table,) = (chain / "reports" / "mr-split").glob("tiny-*-seeds.json")
    gathered = json.loads(table.read_text())
    assert gathered["seeds"] == [0, 1]
    assert gathered["models"]["linear-rae-finetuned"]["test_sets"] == 2


def test_predict_prints_one_json_line_per_input(make, chain, data_slice):
    lines = "a gripping , funny film .\n\n!!!\nnot good at all ☹ 日本\n"
    result = make("predict", workdir=chain, data=data_slice, stdin=lines)
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [a["text"] for a in answers] == lines.splitlines()
    assert all(a["label"] in ("pos", "neg") and 0.5 <= a["prob"] <= 1.0 for a in answers)


def test_greedy_rows_and_trees(make, chain, data_slice):
    result = make("eval", workdir=chain, data=data_slice, extra=["MODEL=all"])
    assert result.returncode == 0, result.stderr
    report = json.loads((_report(chain, "mr-split") / "accuracy.json").read_text())
    assert [row["model"] for row in report["results"]][3:] == [
        "linear-rae-frozen", "linear-rae-finetuned", "greedy-rae", "greedy-rae-top",
        "greedy-rae-random", "greedy-rae-random-top", "rae+nbsvm"]
    assert report["chosen_alpha"]["greedy-rae"] == [0.2]
    predicted = subprocess.run(
        [sys.executable, "-m", "pipeline", "predict", "--tree", "--config", "tests/tiny.toml",
         "--build", str(chain / "build"), "not bad at all", "fine"],
        cwd=ROOT, capture_output=True, text=True)
    assert predicted.returncode == 0, predicted.stderr
    first, second = [json.loads(line) for line in predicted.stdout.splitlines()]
    tree = Tree.fromstring(first["tree"])
    assert tree.leaves() == ["not", "bad", "at", "all"] and len(tree.treepositions()) == 7
    assert Tree.fromstring(second["tree"]).leaves() == ["fine"]


def test_sst2_rows_phrases_and_tree_figure(make, chain, data_slice):
    result = make("eval", workdir=chain, data=data_slice, extra=["DATASET=sst2"])
    assert result.returncode == 0, result.stderr
    report_dir = _report(chain, "sst2-split")
    report = json.loads((report_dir / "accuracy.json").read_text())
    assert report["dataset"] == "sst2" and report["protocol"] == "split"
    rows = {row["model"]: row for row in report["results"]}
    assert list(rows) == ["majority", "tfidf-lr", "nbsvm-bi", "linear-rae-frozen",
                          "linear-rae-finetuned", "greedy-rae", "greedy-rae-top", "tree-rae",
                          "tree-rae-sentence", "rntn", "treelstm", "rae+nbsvm"]
    roots = _non_neutral_test_roots(data_slice)
    assert all(sum(map(sum, row["confusion"])) == roots for row in rows.values())
    unscored = ("linear-rae-frozen", "greedy-rae-top", "rae+nbsvm")  # no model kept
    assert all(0.0 <= row["all_phrases"] <= 1.0 for name, row in rows.items()
               if name not in unscored)
    assert all(rows[name]["all_phrases"] is None for name in unscored)
    # Reported numbers are labelled so, and none takes a measured row's name.
    assert report["references"] and all(r["reported"] for r in report["references"])
    assert not {r["model"] for r in report["references"]} & set(rows)
    assert len(report["tree_figure"]) == 4 and (report_dir / "trees.png").stat().st_size > 0
    # every saved model answers the probes (tree models on the probes' trees)
    assert set(report["probes"]) == {"linear-rae-finetuned", "greedy-rae", "tree-rae", "rntn",
                                     "treelstm"}
    assert all(row["subsets"]["negation"]["sentences"] > 0 for row in rows.values())
    # the tree models on the parser's trees too, the probes' sentences parsed
    parsed_rows = report["parsed_trees"]["rows"]
    assert set(parsed_rows) == {"tree-rae", "rntn", "treelstm"}
    assert all(0 <= row["accuracy"] <= 1 and row["probes"]["answers"]
               for row in parsed_rows.values())
    assert "On parsed trees" in (report_dir / "accuracy.md").read_text()
    assert 0 <= report["parsed_trees"]["greedy_tree_f1"] <= 100  # the greedy RAE's own trees

    # a phrase model exported with the parser answers a typed sentence, every node coloured
    result = make("export", workdir=chain, data=data_slice, extra=["DATASET=sst2", "MODEL=rntn"])
    assert result.returncode == 0, result.stderr
    folder = chain / "exports" / "sst2-split-rntn"
    assert {"parser.safetensors", "parser-vocab.txt"} <= {p.name for p in folder.iterdir()}
    parsed = json.loads(next((chain / "reports" / "sst-parser").glob("*/parser.json"))
                        .read_text())
    assert set(parsed["rows"]) == {"parser", "right-branching", "left-branching", "balanced"}
    answer = subprocess.run([sys.executable, "-m", "pipeline", "predict", "--model", str(folder),
                             "--tree", "not bad at all"], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert answer.returncode == 0, answer.stderr
    tree = Tree.fromstring(json.loads(answer.stdout)["tree"])
    assert tree.leaves() == ["not", "bad", "at", "all"]
    assert len(tree.treepositions()) == 4 + 7  # words, their nodes and three phrases
    labels = [tree[p].label().split(":") for p in tree.treepositions()
              if isinstance(tree[p], Tree)]
    assert len(labels) == 7 and all(name in ("neg", "pos") and 0.5 <= float(prob) <= 1
                                    for name, prob in labels)
    loaded = RAEClassifier.load(folder, device="cpu")  # the Python API reads it the same way
    assert loaded.tree("not bad at all").leaves() == ["not", "bad", "at", "all"]
    assert loaded.predict(["not bad at all"])[0] == json.loads(answer.stdout)["label"]


def test_sst_has_no_cross_validation(make, chain, data_slice):
    result = make("classify", workdir=chain, data=data_slice,
                  extra=["DATASET=sst5", "PROTOCOL=cv10", "MODEL=tree"])
    assert result.returncode != 0
    assert "error: sst5 has its standard train/dev/test split only" in result.stderr
    assert "Traceback" not in result.stderr


def test_mr_trains_the_tree_families_on_parsed_trees(make, chain, data_slice):
    result = make("eval", workdir=chain, data=data_slice, extra=["MODEL=greedy tree treelstm"])
    assert result.returncode == 0, result.stderr
    report_dir = _report(chain, "mr-split")
    report = json.loads((report_dir / "accuracy.json").read_text())
    rows = {row["model"]: row for row in report["results"]}
    assert {"greedy-rae", "tree-rae", "tree-rae-sentence", "treelstm"} <= set(rows)
    assert all(sum(map(sum, rows[name]["confusion"])) == sum(map(sum, rows["greedy-rae"][
        "confusion"])) for name in ("tree-rae", "treelstm"))
    assert all(row.get("all_phrases") is None for row in rows.values())  # no phrase labels
    assert report["parsed_trees"]["rows"] is None
    assert "Parsed trees: the models that follow trees learned from" in (
        report_dir / "accuracy.md").read_text()
    # exported with the parser, it answers a typed sentence with its tree
    result = make("export", workdir=chain, data=data_slice, extra=["MODEL=treelstm"])
    assert result.returncode == 0, result.stderr
    answer = subprocess.run([sys.executable, "-m", "pipeline", "predict", "--model",
                             str(chain / "exports" / "mr-split-treelstm"), "--tree",
                             "not bad at all"], capture_output=True, text=True, cwd=ROOT,
                            timeout=120)
    assert answer.returncode == 0, answer.stderr
    assert Tree.fromstring(json.loads(answer.stdout)["tree"]).leaves() == [
        "not", "bad", "at", "all"]


def test_cv10_runs_ten_folds(make, chain, data_slice):
    result = make("eval", workdir=chain, data=data_slice, extra=["PROTOCOL=cv10"])
    assert result.returncode == 0, result.stderr
    report = json.loads((_report(chain, "mr-cv10") / "accuracy.json").read_text())
    for row in report["results"]:
        assert len(row["folds"]) == 10 and row["std"] is not None
        assert row["ci95"][0] <= row["accuracy"] <= row["ci95"][1]


def test_predict_without_a_model_names_the_make_target(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "predict", "--build", str(tmp_path), "--config",
         "tests/tiny.toml", "fine"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "make classify" in result.stderr


def test_missing_data_is_one_line_naming_the_variable(make, tmp_path):
    result = make("prepare", workdir=tmp_path, data=tmp_path / "nowhere")
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "RAE_DATA_DIR" in errors[0]
    assert "Traceback" not in result.stderr


def test_unknown_config_key_stops_before_any_work(tmp_path):
    config = tmp_path / "typo.toml"
    config.write_text("[rae]\nhiden = 3\n")
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "prepare", "--config", str(config), "--build",
         str(tmp_path / "build")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2 and "'rae.hiden'" in result.stderr
    assert not (tmp_path / "build").exists()


def test_config_edit_reruns_only_what_reads_the_changed_settings(make, chain, data_slice,
                                                               tmp_path):
    config = tmp_path / "edited.toml"
    config.write_text((ROOT / "tests/tiny.toml").read_text())
    first = make("eval", workdir=chain, data=data_slice, config=config)
    assert first.returncode == 0, first.stderr
    assert "pipeline pretrain" not in first.stdout  # same pretraining settings: shared
    (pretrained,) = (chain / "build").glob("pretrain-*/pretrain.pt")
    content = pretrained.read_bytes()
    config.write_text(config.read_text().replace("epochs = 2", "epochs = 1"))  # classify only
    second = make("eval", workdir=chain, data=data_slice, config=config)
    assert second.returncode == 0, second.stderr
    assert "pipeline pretrain" not in second.stdout and "fold 1/1" in second.stdout
    assert pretrained.read_bytes() == content
    assert len(list((chain / "build").glob("edited-*-seed0"))) == 2  # one run folder a config
    reports = [json.loads(path.read_text()) for path in
               (chain / "reports" / "mr-split").glob("edited-*-seed0/accuracy.json")]
    # each config's report in a folder of its own: the edit did not overwrite the first
    assert sorted(report["config"]["classify"]["epochs"] for report in reports) == [1, 2]
