"""`make export` and the Python API on the built chain: a model folder, loaded in a fresh
process with nothing but the folder, answers as the pipeline's own model did; predict reads the
folder; RAEClassifier picks up the run's pretraining."""

import json
import os
import pty
import re
import select
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

from pipeline import RAEClassifier
from pipeline.families import FAMILIES
from pipeline.infra.artifacts import load_torch
from pipeline.serving.text_parser import load_text_parser
from pipeline.serving.trained import load_model

ROOT = Path(__file__).resolve().parents[2]
TINY = str(ROOT / "tests" / "tiny.toml")
pytestmark = pytest.mark.integration
# In a fresh interpreter outside the project: the test part's texts in, probabilities out.
FRESH = """
import json, sys
from pipeline import RAEClassifier
model = RAEClassifier.load(sys.argv[1], device="cpu")
texts = json.load(open(sys.argv[2], encoding="utf-8"))
print(json.dumps(model.predict_proba(texts).tolist()))
"""
# The same for a folder that parses: each text's tree too (data/trees.py's children).
FRESH_TREES = """
import json, sys
from pipeline import RAEClassifier
model = RAEClassifier.load(sys.argv[1], device="cpu").trained_
texts = json.load(open(sys.argv[2], encoding="utf-8"))
words = model.read(texts)
print(json.dumps({"trees": model.parser.trees(words),
                  "probs": model.word_probabilities(words).tolist()}))
"""


def _only(folder: Path, pattern: str) -> Path:
    (path,) = folder.glob(pattern)
    return path


def test_export_writes_one_folder_per_family_asked_for(exported):
    assert sorted(p.name for p in (exported / "exports").iterdir()) == [
        "mr-split-greedy", "mr-split-linear", "sst5-split-treelstm"]
    card = (exported / "exports" / "mr-split-linear" / "README.md").read_text()
    report = json.loads(_only(exported / "reports" / "mr-split", "*/accuracy.json").read_text())
    (row,) = [r for r in report["results"] if r["model"] == "linear-rae-finetuned"]
    assert f"value: {100 * row['accuracy']:.2f}" in card and "## Known failures" in card
    # export reads each folder back and compares it with classify's test-part probabilities
    printed = (exported / "export.out").read_text()
    differences = re.findall(r"differs from .* by (\S+) at most", printed)
    assert len(differences) == 3 and all(float(d) < 1e-6 for d in differences)


@pytest.mark.parametrize("family", ["linear", "greedy"])
def test_a_fresh_process_with_the_folder_answers_as_the_pipeline(exported, family, tmp_path):
    """The test part's probabilities that classify stored for the saved row, to 1e-6."""
    build = exported / "build"
    run = next(p for p in build.iterdir() if p.name.startswith("tiny-"))
    classified = load_torch(run / f"classify-{family}-mr-split.pt", "classify")
    (fold,) = classified["folds"]
    row = {"linear": "linear-rae-finetuned", "greedy": "greedy-rae"}[family]
    prepared = json.loads((build / "data" / "mr.json").read_text())
    texts = [prepared["texts"][i] for i in fold["test"].tolist()]
    (tmp_path / "texts.json").write_text(json.dumps(texts))
    answered = subprocess.run(
        [sys.executable, "-c", FRESH, str(exported / "exports" / f"mr-split-{family}"),
         str(tmp_path / "texts.json")], cwd=tmp_path, capture_output=True, text=True)
    assert answered.returncode == 0, answered.stderr
    probs = np.array(json.loads(answered.stdout))
    assert np.abs(probs - fold["models"][row]["probs"].numpy()).max() < 1e-6


def test_a_fresh_process_with_an_sst_folder_parses_as_the_stages(exported, tmp_path):
    """The folder alone gives SST's test sentences the parser stage's trees, and the
    probabilities the classify stage's model gives on those trees, to 1e-6."""
    build = exported / "build"
    run = next(p for p in build.iterdir() if p.name.startswith("tiny-"))
    prepared = json.loads((build / "data" / "sst.json").read_text())
    test = [i for i, part in enumerate(prepared["split"]) if part == "test"]
    texts = [prepared["texts"][i] for i in test]
    (tmp_path / "texts.json").write_text(json.dumps(texts))
    folder = exported / "exports" / "sst5-split-treelstm"
    answered = subprocess.run([sys.executable, "-c", FRESH_TREES, str(folder),
                               str(tmp_path / "texts.json")],
                              cwd=tmp_path, capture_output=True, text=True)
    assert answered.returncode == 0, answered.stderr
    fresh = json.loads(answered.stdout)
    trained = replace(load_model(run / "model-treelstm-sst5-split.pt", FAMILIES["treelstm"],
                                 "classify"),
                      parser=load_text_parser(run / "parser.pt"))
    words = trained.read(texts)
    assert [[list(pair) for pair in tree] for tree in trained.parser.trees(words)] == \
        fresh["trees"]
    assert np.abs(np.array(fresh["probs"]) - trained.word_probabilities(words)).max() < 1e-6


def test_the_api_fits_a_family_that_follows_trees_on_the_runs_parser(exported, tmp_path):
    texts = ["a good film", "a bad film", "good fun", "bad acting"] * 10
    labels = ["pos", "neg", "pos", "neg"] * 10
    model = RAEClassifier(family="treelstm", config=TINY, build=str(exported / "build"))
    model.fit(texts, labels)
    run = next(p for p in (exported / "build").iterdir() if p.name.startswith("tiny-"))
    parser = load_text_parser(run / "parser.pt")
    words = model.trained_.read(["not a bad film at all"])
    assert model.trained_.parser.trees(words) == parser.trees(words)
    tree = model.tree("not a bad film at all")
    # six words, each under a node of its own, and five phrases
    assert tree.leaves() == words[0] and len(tree.treepositions()) == 6 + 6 + 5
    model.save(tmp_path / "folder")  # the folder takes the parser along
    loaded = RAEClassifier.load(tmp_path / "folder", device="cpu")
    assert np.abs(loaded.predict_proba(texts) - model.predict_proba(texts)).max() < 1e-6


def test_predict_reads_a_model_folder(exported):
    lines = ["not bad at all", "a dull , lifeless film", ""]

    def predict(*model):
        answered = subprocess.run(
            [sys.executable, "-m", "pipeline", "predict", "--config", "tests/tiny.toml",
             "--build", str(exported / "build"), *model, "--tree", *lines],
            cwd=ROOT, capture_output=True, text=True)
        assert answered.returncode == 0, answered.stderr
        return [json.loads(line) for line in answered.stdout.splitlines()]

    from_folder = predict("--model", str(exported / "exports" / "mr-split-greedy"))
    assert from_folder == predict()
    linear = subprocess.run(
        [sys.executable, "-m", "pipeline", "predict", "--model",
         str(exported / "exports" / "mr-split-linear"), "--tree", "fine"],
        cwd=ROOT, capture_output=True, text=True)
    assert linear.returncode == 2 and linear.stderr.count("\n") == 1
    assert "builds no trees" in linear.stderr


def test_a_line_typed_at_a_terminal_is_answered_before_the_next(exported):
    """stdin a terminal (a pseudo-terminal here): each line gets its answer as it is typed."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "predict", "--model",
         str(exported / "exports" / "mr-split-linear")],
        cwd=ROOT, stdin=terminal, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    os.close(terminal)
    try:
        for text in ("a good film", "a bad film"):
            os.write(controller, f"{text}\n".encode())
            ready, _, _ = select.select([process.stdout], [], [], 30)
            assert ready, f"no answer to {text!r} while the terminal stayed open"
            assert json.loads(process.stdout.readline())["text"] == text
        os.write(controller, b"\x04")  # Ctrl-D: the end of input
        assert process.wait(timeout=60) == 0, process.stderr.read()
    finally:
        process.kill()
        os.close(controller)


def test_the_api_uses_the_runs_pretraining(built):
    pretrained = load_torch(_only(built / "build", "pretrain-*/pretrain.pt"), "pretrain")
    texts = ["a good film", "a bad film", "good fun", "bad acting"] * 10
    labels = ["pos", "neg", "pos", "neg"] * 10
    model = RAEClassifier(config=TINY, build=str(built / "build")).fit(texts, labels)
    assert model.trained_.vocab.words == pretrained["vocab"]
    embeddings = model.trained_.model.encoder.embeddings.weight
    assert embeddings.shape == pretrained["encoder"]["embeddings.weight"].shape
    assert not torch.equal(embeddings.cpu(), torch.zeros_like(embeddings.cpu()))
