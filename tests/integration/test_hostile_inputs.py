"""The docs' promises under attack: what a careless or hostile user might type or leave
lying around, each case through the real CLI (make, or python -m pipeline), each ending in valid
output, or one line on stderr and exit status 2 (130 for Ctrl-C), with nothing lost.

docs/troubleshooting.md's table lists every case by name, and a test checks it does.
The cases are independent processes, so they run two at a time; each is still a test of its own.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch

from pipeline.infra.artifacts import load_torch, save_torch
from pipeline.infra.config import load_config
from pipeline.infra.paths import folder_names

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration
RUN, PRETRAIN = folder_names(Path("tests/tiny.toml"), load_config(ROOT / "tests/tiny.toml"), 0)
MODEL = f"{RUN}/model-linear-mr-split.pt"
CLASSIFIED = f"{RUN}/classify-linear-mr-split.pt"


@dataclass
class Box:
    """One case's own folder, beside the session's built chain and data slice (read-only)."""

    root: Path
    built: Path
    data: Path

    @property
    def build(self) -> Path:
        return self.root / "build"

    def copy_chain(self, *folders: str) -> Path:
        """The built chain's build folders (all by default) and reports, file times kept."""
        for folder in folders or [p.name for p in (self.built / "build").iterdir()]:
            shutil.copytree(self.built / "build" / folder, self.build / folder)
        shutil.copytree(self.built / "reports", self.root / "reports", dirs_exist_ok=True)
        return self.build

    def copy_data(self) -> Path:
        return Path(shutil.copytree(self.data, self.root / "data"))

    def stage(self, *argv: str, build: Path | None = None, data: Path | None | str = "slice",
              config: str | Path = "tests/tiny.toml", stdin: str | bytes | None = None,
              limit_file_size: int | None = None) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if k != "RAE_DATA_DIR"}
        if data is not None:
            env["RAE_DATA_DIR"] = str(self.data if data == "slice" else data)

        def limit():  # RLIMIT_FSIZE holds for root too, unlike file permissions
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_size, limit_file_size))

        command = [sys.executable, "-m", "pipeline", argv[0], "--config", str(config),
                   "--build", str(build or self.build), "--reports", str(self.root / "reports"),
                   "--device", "cpu", *argv[1:]]
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=300,
                              input=stdin.encode() if isinstance(stdin, str) else stdin,
                              preexec_fn=limit if limit_file_size else None)

    def make(self, *arguments: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "RAE_DATA_DIR": str(self.data)}
        return subprocess.run(
            ["make", "--no-print-directory", "-C", str(ROOT), *arguments, "CONFIG=tests/tiny.toml",
             f"BUILD={self.build}", f"REPORTS={self.root / 'reports'}", f"PY={sys.executable}",
             "SETUP=", "DEVICE=cpu"], env=env, capture_output=True, timeout=300)

    def config(self, text: str) -> Path:
        path = self.root / "hostile.toml"
        path.write_text(text)
        return path

    def model(self, change: Callable[[dict], None]) -> Path:
        """A sealed (so intact-looking) copy of the trained model, with `change` made to it."""
        content = load_torch(self.built / "build" / MODEL, "classify")
        change(content)
        path = self.root / "model.pt"
        save_torch(content, path)
        return path


CASES: dict[str, tuple[Callable[[Box], subprocess.CompletedProcess], str | None, int]] = {}


def case(expect: str | None, code: int = 2):
    """Register a case: `expect` is a pattern of its one stderr line (None: it must succeed)."""
    def register(run):
        CASES[run.__name__] = (run, expect, code)
        return run
    return register


def answers(result: subprocess.CompletedProcess) -> list[dict]:
    """predict's JSON lines (make also prints the command it runs)."""
    return [json.loads(line) for line in result.stdout.decode().splitlines()
            if line.startswith("{")]


def flip_inside(path: Path, tensor: torch.Tensor, count: int = 64) -> None:
    """Invert `count` bytes of the tensor's data where they lie in the file."""
    raw = bytearray(path.read_bytes())
    start = raw.find(tensor.contiguous().view(torch.uint8).numpy().tobytes()[:count])
    assert start > 0, "the tensor's bytes are not in the file"
    raw[start:start + count] = bytes(b ^ 0xFF for b in raw[start:start + count])
    path.write_bytes(bytes(raw))


# --- 1. text reaches predict without the shell ----------------------------------------------

def _make_predict(box: Box, text: str) -> subprocess.CompletedProcess:
    box.copy_chain()
    result = box.make("predict", f"TEXT={text}")
    assert [a["text"] for a in answers(result)] == [text], result.stderr
    assert not (box.root / "PWNED").exists() and not (ROOT / "PWNED").exists()
    return result


@case(None)
def text_with_dollar(box):
    return _make_predict(box, "cost $5 million")


@case(None)
def text_with_a_double_quote(box):
    return _make_predict(box, 'it"s a "film"')


@case(None)
def text_with_backticks(box):
    return _make_predict(box, f"`touch {box.root}/PWNED` `touch PWNED`")


@case(None)
def text_with_shell_substitution(box):
    return _make_predict(box, f"$$(touch {box.root}/PWNED) $(touch PWNED)")


@case(None)
def text_with_make_shell_function(box):
    return _make_predict(box, f"$(shell touch {box.root}/PWNED)")


@case(None)
def text_like_an_option(box):
    return _make_predict(box, "--model /etc/passwd")


@case(None)
def text_with_quotes_semicolons_and_a_newline(box):
    return _make_predict(box, "it's fine'; echo hi; '\nsecond line")


# --- 2. predict's input: every line answered, in order ------------------------------------

def _predict_stdin(box: Box, stdin: bytes, expected_texts: list[str]):
    result = box.stage("predict", build=box.built / "build", stdin=stdin)
    assert [a["text"] for a in answers(result)] == expected_texts, result.stderr[-300:]
    return result


@case(None)
def predict_a_30_megabyte_line(box):
    huge = "a dull , overlong film " * 1_300_000
    return _predict_stdin(box, f"good\n{huge}\nbad\n".encode(), ["good", huge, "bad"])


@case(None)
def predict_bytes_that_are_not_utf8(box):
    return _predict_stdin(box, b"caf\xe9 \xff\xfe ok\n", ["caf\ufffd \ufffd\ufffd ok"])


@case(None)
def predict_empty_punctuation_emoji_control_lines(box):
    lines = ["", "!!!", "☹ 日本 ok", "\t\x00\x1b[31m red"]
    return _predict_stdin(box, ("\n".join(lines) + "\n").encode(), lines)


@case(None)
def predict_into_a_closed_pipe(box):
    command = [sys.executable, "-m", "pipeline", "predict", "--config", "tests/tiny.toml",
               "--build", str(box.built / "build"), "--device", "cpu"]
    process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    process.stdin.write(b"a fine film\n" * 3000)  # fits the pipe: no deadlock
    process.stdin.close()
    first = process.stdout.readline()  # `| head -1`
    process.stdout.close()
    stderr = process.stderr.read()
    process.wait(timeout=120)
    assert json.loads(first)["text"] == "a fine film"
    return subprocess.CompletedProcess(command, process.returncode, b"", stderr)


@case(r"^error: /etc/passwd is not a model file or folder this project writes \(.*\); pass a "
      r"model folder from `make export` or a model-\*\.pt from `make classify`$")
def predict_model_is_not_a_model(box):
    return box.stage("predict", "--model", "/etc/passwd", "fine")


@case(r"is not an RAE model folder \(it has no config.json\); make one with `make export`")
def predict_model_is_a_folder_but_not_a_model_folder(box):
    return box.stage("predict", "--model", str(box.root), "fine")


@case(r"does not exist; run `make classify DATASET=mr PROTOCOL=split MODEL=linear` first")
def predict_before_classify(box):
    return box.stage("predict", "fine")


@case(r"model.pt is damaged: its content does not match its checksum; delete it")
def predict_model_with_flipped_bytes(box):
    path = box.root / "model.pt"
    shutil.copy(box.built / "build" / MODEL, path)
    flip_inside(path, load_torch(path, "classify")["state"]["head.weight"])
    return box.stage("predict", "--model", str(path), "fine")


@case(r"model.pt lacks 'labels'; delete it and run `make classify")
def predict_model_lacking_a_key(box):
    return box.stage("predict", "--model", str(box.model(lambda m: m.pop("labels"))), "fine")


@case(r"model.pt: 'labels' is a str, not a list")
def predict_model_with_a_wrong_type(box):
    return box.stage("predict", "--model", str(box.model(
        lambda m: m.update(labels="neg pos"))), "fine")


@case(r"model.pt holds a config this code cannot use \(these settings need about .* GiB")
def predict_model_asking_for_hundreds_of_gigabytes(box):
    return box.stage("predict", "--model", str(box.model(
        lambda m: m["config"]["rae"].update(hidden=16_000, batch_size=10_000))), "fine")


@case(r"model.pt holds a config this code cannot use \(config key 'data.max_length' must be")
def predict_model_with_a_negative_max_length(box):
    return box.stage("predict", "--model", str(box.model(
        lambda m: m["config"]["data"].update(max_length=-5))), "fine")


# The tiny model's head reads [h_n; mean of states]: 2 x hidden 16.
@case(r"model.pt: parameter head.weight has shape \(3, 16\), this model's is \(2, 32\)")
def predict_model_with_a_wrong_shape(box):
    return box.stage("predict", "--model", str(box.model(
        lambda m: m["state"].update({"head.weight": torch.zeros(3, 16)}))), "fine")


@case(r"model.pt: parameter head.bias holds values that are not finite floats")
def predict_model_with_nan_weights(box):
    return box.stage("predict", "--model", str(box.model(
        lambda m: m["state"].update({"head.bias": torch.tensor([float("nan"), 0.0])}))), "fine")


@case(r"model.pt was trained on sst5, not mr; pass --dataset sst5")
def predict_sst5_model_on_mr(box):
    def as_sst5(model):
        model.update(dataset="sst5", labels=["very neg", "neg", "neutral", "pos", "very pos"])
    return box.stage("predict", "--model", str(box.model(as_sst5)), "fine")


@case(r"model.pt was written in format 1, this code reads format 2; delete it")
def predict_model_in_an_older_format(box):
    content = load_torch(box.built / "build" / MODEL, "classify")
    torch.save(content, box.root / "model.pt")  # unsealed, as before artifacts had a format
    return box.stage("predict", "--model", str(box.root / "model.pt"), "fine")


@case(r"evil.pt is not a model file or folder this project writes \(.*\)")
def predict_model_holding_pickled_code(box):
    torch.save({"payload": os.system, "w": torch.ones(1)}, box.root / "evil.pt")
    return box.stage("predict", "--model", str(box.root / "evil.pt"), "fine")


# --- 3. config and options: stopped before any work -----------------------------------------

def _before_any_work(box: Box, text: str, stage: str = "prepare"):
    result = box.stage(stage, config=box.config(text))
    assert not box.build.exists(), "the run started work"
    return result


@case(r"config file .* is a folder, not a TOML file")
def config_is_a_folder(box):
    return box.stage("prepare", config=box.root)


@case(r"config file .*nowhere.toml does not exist")
def config_does_not_exist(box):
    return box.stage("prepare", config=box.root / "nowhere.toml")


@case(r"config file .* is not valid TOML")
def config_is_not_toml(box):
    return _before_any_work(box, "[rae\nhidden = 3\n")


@case(r"unknown config key 'rae.hiden' \(known: hidden, ")
def config_with_a_typo(box):
    return _before_any_work(box, "[rae]\nhiden = 3\n")


@case(r"config key 'rae.hidden' must be int, got 'big'")
def config_with_a_wrong_type(box):
    return _before_any_work(box, "[rae]\nhidden = 'big'\n")


@case(r"config key 'rae.hidden' must be in 1..16,384, got 100000")
def config_hidden_100000(box):
    return _before_any_work(box, "[rae]\nhidden = 100000\n")


@case(r"config key 'embeddings.negatives' must be in 1..100, got 1000000000")
def config_negatives_a_billion(box):
    return _before_any_work(box, "[embeddings]\nnegatives = 1_000_000_000\n")


@case(r"config key 'data.min_count' must be in 1..10,000, got 1000000000")
def config_min_count_a_billion(box):
    return _before_any_work(box, "[data]\nmin_count = 1_000_000_000\n")


@case(r"config key 'embeddings.window' must be in 1..100, got 1000000000")
def config_window_a_billion(box):
    return _before_any_work(box, "[embeddings]\nwindow = 1_000_000_000\n")


@case(r"config key 'rae.lr' must be float, got nan")
def config_learning_rate_nan(box):
    return _before_any_work(box, "[rae]\nlr = nan\n")


@case(r"config key 'classify.alphas' must be a list of 1 to 20 numbers in \[0, 1\), got \[1.0\]")
def config_alpha_one(box):
    return _before_any_work(box, "[classify]\nalphas = [1.0]\n")


@case(r"these settings need about .* GiB, more than half this machine's .*data.max_length = 1000")
def config_fields_in_range_that_together_exhaust_memory(box):
    return _before_any_work(box, "[data]\nmax_length = 1000\n[rae]\nbatch_size = 100000\n")


@case(r"config key 'data.min_count' = 5000 leaves \d words of the unlabeled corpus")
def config_min_count_empties_the_vocabulary(box):
    box.copy_chain("data")
    return box.stage("pretrain", config=box.config("[data]\nmin_count = 5000\n"))


@case(r"argument --seed: must be in 0..4294966, got -1")
def seed_negative(box):
    return box.stage("prepare", "--seed", "-1")


@case(r"argument --seed: must be in 0..4294966, got 1099511627776")
def seed_two_to_the_40(box):
    return box.stage("prepare", "--seed", str(2**40))


@case(r"argument --seed: must be in 0..4294966, got 5000000")
def seed_whose_fold_seeds_overflow(box):
    return box.stage("classify", "--seed", "5000000")


@case(r"argument --checkpoint-every: must be >= 0 seconds, got nan")
def checkpoint_every_nan(box):
    return box.stage("pretrain", "--checkpoint-every", "nan")


@case(r"parser.pt does not exist; run `make parser` first")
def parse_tree_model_on_mr(box):
    """MR has no trees: the parser gives them, and none has been learned in this chain."""
    box.copy_chain()
    return box.stage("classify", "--model", "tree")


# --- 4. data -----------------------------------------------------------------------------

@case(r"cannot reach huggingface.co .*set RAE_DATA_DIR")
def no_data_folder_and_no_network(box):
    return box.stage("prepare", data=None)


@case(r"rt-polarity.pos is missing; RAE_DATA_DIR/mr must hold")
def data_folder_without_the_files(box):
    return box.stage("prepare", data=box.root)


@case(r"rt-polarity.pos cannot be read \(Input/output error\)")
def data_file_that_cannot_be_read(box):
    data = box.copy_data()  # (permissions do not stop root, who runs CI; this file does)
    (data / "mr" / "rt-polarity.pos").unlink()
    (data / "mr" / "rt-polarity.pos").symlink_to("/proc/self/mem")
    return box.stage("prepare", data=data)


@case(r"movie_reviews.zip is not a readable zip file \(.*\)")
def zip_with_a_damaged_member(box):
    data = box.copy_data()
    archive = data / "movie_reviews" / "movie_reviews.zip"
    raw = bytearray(archive.read_bytes())
    middle = len(raw) // 2
    raw[middle:middle + 256] = bytes(256)
    archive.write_bytes(bytes(raw))
    return box.stage("prepare", "--corpus", "unlabeled", data=data)


@case(r"sst test line 1 is not a labelled PTB tree \(a tree holds an empty word\)")
def sst_with_an_empty_tree(box):
    data = box.copy_data()
    (data / "sst" / "test.txt").write_text("(2 )\n(3 (2 a) (3 film))\n")
    return box.stage("prepare", "--corpus", "sst", data=data)


@case(r"sst dev line 2 is not a labelled PTB tree \(sentiment label 7 is not in 0-4\)")
def sst_with_a_label_out_of_range(box):
    data = box.copy_data()
    (data / "sst" / "dev.txt").write_text("(3 (2 a) (3 film))\n(7 (2 a) (3 film))\n")
    return box.stage("prepare", "--corpus", "sst", data=data)


@case(None)
def mr_with_undecodable_empty_and_repeated_lines(box):
    data = box.copy_data()
    with open(data / "mr" / "rt-polarity.neg", "ab") as stream:
        stream.write(b"\n\xff\xfe\x81\x8d\n\n" + b"a dull film .\n" * 3)
    result = box.stage("prepare", data=data)
    assert re.search(r"warning: MR: .*undecodable", result.stderr.decode()), result.stderr
    return result


# --- 5. artifacts and the build folder -------------------------------------------------------

@case(r"classify-linear-mr-split.pt is damaged: its content does not match its checksum")
def classify_probabilities_swapped(box):
    build = box.copy_chain()
    probs = load_torch(build / CLASSIFIED, "classify")["folds"][0]["models"][
        "linear-rae-frozen"]["probs"]
    row = probs[:2].contiguous().view(torch.uint8).numpy().tobytes()
    raw = (build / CLASSIFIED).read_bytes()
    at = raw.find(row)
    half = len(row) // 2
    assert at > 0 and row[:half] != row[half:]
    (build / CLASSIFIED).write_bytes(raw[:at] + row[half:] + row[:half] + raw[at + len(row):])
    return box.stage("eval")


@case(r"classify-linear-mr-split.pt was written in format 1, this code reads format 2; delete "
      r"it and run `make classify DATASET=mr PROTOCOL=split MODEL=linear`")
def classify_artifact_in_an_older_format(box):
    build = box.copy_chain()
    torch.save(load_torch(build / CLASSIFIED, "classify"), build / CLASSIFIED)
    return box.stage("eval")


@case(None)
def pretrain_artifact_in_an_older_format_is_rebuilt(box):
    build = box.copy_chain("data", PRETRAIN)
    path = build / PRETRAIN / "pretrain.pt"
    torch.save(load_torch(path, "pretrain"), path)
    result = box.stage("pretrain")
    assert "pretrain.pt was written in format 1, this code reads format 2: rebuilding it" in \
        result.stdout.decode()
    load_torch(path, "pretrain")  # sealed again
    return result


@case(None)
def orphaned_temporary_files_are_removed(box):
    build = box.copy_chain("data", PRETRAIN)
    orphan = build / PRETRAIN / ".pretrain.pt.k1ll3d.partial"
    orphan.write_bytes(b"half a file")
    result = box.stage("pretrain")
    assert not orphan.exists() and "kept" in result.stdout.decode()
    return result


@case(r"\.lock is a symbolic link; a lock file is never followed, so remove the link")
def lock_file_planted_as_a_symlink(box):
    build = box.copy_chain()
    precious = box.root / "precious.txt"
    precious.write_text("keep me")
    (build / RUN / ".lock").unlink()
    (build / RUN / ".lock").symlink_to(precious)
    result = box.stage("classify")
    assert precious.read_text() == "keep me"
    return result


@case(r"cannot write .*reports/mr-split/[\w-]+/\w+\.png \(File too large\); the previous")
def file_size_limit_while_writing_the_report(box):
    box.copy_chain()
    report = box.root / "reports" / "mr-split" / RUN / "accuracy.json"
    before = report.read_bytes()
    (report.parent / ".source").unlink()  # so eval remakes it, rather than keeping it
    result = box.stage("eval", limit_file_size=8_000)
    assert report.read_bytes() == before
    assert not list(box.root.rglob("*.partial"))
    return result


@case(None)
def report_made_from_another_run_is_remade(box):
    box.copy_chain()
    source = box.root / "reports" / "mr-split" / RUN / ".source"
    assert source.read_text() == f"{RUN} linear\n"
    source.write_text(f"{RUN.replace('seed0', 'seed1')} linear\n")  # as SEED=1's would leave
    result = box.make("eval")
    assert "pipeline eval" in result.stdout.decode() and source.read_text() == f"{RUN} linear\n"
    return result


@case(None)
def report_a_concurrent_run_made_with_more_families_is_kept(box):
    """`make eval MODEL=linear` and `make eval MODEL="linear greedy"` at once: whichever eval
    comes last, the report ends with the greedy rows, and neither make calls a report done
    that the other then takes them out of."""
    box.copy_chain()
    both = box.make("eval", "MODEL=linear greedy")
    assert both.returncode == 0, both.stderr
    report = box.root / "reports" / "mr-split" / RUN / "accuracy.json"
    made = report.read_bytes()
    # the MODEL=linear eval that was waiting for the lock when the other one finished
    waited = box.stage("eval", "--model", "linear")
    assert "already holds this run's linear rows" in waited.stdout.decode(), waited.stderr
    again = box.make("eval", "MODEL=linear")
    assert "pipeline eval" not in again.stdout.decode() and report.read_bytes() == made
    assert any(r["model"] == "greedy-rae" for r in json.loads(made)["results"])
    return waited


@case(None)
def configs_of_one_name_in_two_folders_get_two_run_folders(box):
    (box.root / "tiny.toml").write_text("[rae]\nhidden = 8\n")
    names = [subprocess.run([sys.executable, "-m", "pipeline.infra.paths", config, "0"], cwd=ROOT,
                            capture_output=True, check=True).stdout.split()[0]
             for config in ("tests/tiny.toml", str(box.root / "tiny.toml"))]
    assert names[0] != names[1] and all(n.startswith(b"tiny-") for n in names)
    return subprocess.CompletedProcess([], 0, b"", b"")


# --- 8. a user's data set (DATASET=file) ----------------------------------------------------

GOOD_ROWS = b"text,label\n" + b"".join(b"a fine film %d,pos\na dull film %d,neg\n" % (i, i)
                                        for i in range(12))


def _user_data(box: Box, content: bytes, name: str = "reviews.csv", column: str = ""
               ) -> subprocess.CompletedProcess:
    """make eval on the file (with `column` set, if given), with pretraining built; a refused
    file leaves nothing behind."""
    box.copy_chain()
    path = box.root / name
    path.write_bytes(content)
    result = box.make("eval", f"DATASET={path}", *[column] if column else [])
    if result.returncode:
        assert not list(box.build.glob("data/*reviews*")), "a prepared corpus was left"
        assert not list((box.root / "reports").glob("*reviews*")), "a report was left"
    return result


@case(r"^error: .*reviews.csv line 2 has no column 'text' \(columns: 'review', 'label'\); "
      r"set TEXT_COLUMN$")
def user_data_missing_column(box):
    return _user_data(box, GOOD_ROWS.replace(b"text,", b"review,", 1))


@case(r"^error: .*reviews.csv line 4: empty 'text'$")
def user_data_empty_text(box):
    return _user_data(box, GOOD_ROWS.replace(b"a fine film 1,", b" ,", 1))


@case(r"^error: .*reviews.csv line 3: no 'label' value$")
def user_data_missing_label(box):
    return _user_data(box, GOOD_ROWS.replace(b"a dull film 0,neg", b"a dull film 0", 1))


@case(r"^error: .*every example is labelled 'pos'; a classifier needs two classes or more$")
def user_data_single_class(box):
    return _user_data(box, GOOD_ROWS.replace(b",neg", b",pos"))


@case(r"^error: .*class 'meh' has 2 training example\(s\); each class needs 10")
def user_data_class_smaller_than_folds(box):
    return _user_data(box, GOOD_ROWS + b"so so,meh\nokay i guess,meh\n")


@case(r"^error: .*reviews.csv line 5 is not UTF-8 \(byte 0xe9\); save the whole file as UTF-8$")
def user_data_mixed_encodings(box):
    return _user_data(box, GOOD_ROWS.replace(b"a fine film 1,", "caf\xe9 \u2013 ok,".encode(
        "utf-8"), 1).replace(b"a dull film 1,", b"caf\xe9,", 1))


@case(r"^error: .*reviews.csv line 2 is longer than 1 MB; one example per line$")
def user_data_2_gb_line(box):
    box.copy_chain()
    path = box.root / "reviews.csv"
    with path.open("wb") as stream:
        stream.write(b"text,label\n")
        stream.truncate(2 << 30)  # sparse: 2 GB to read, nothing on the disk
    result = box.stage("prepare", "--dataset", str(path))
    assert not list(box.build.glob("data/*reviews*"))
    return result


@case(r"^error: .*reviews.csv looks like JSON, not CSV$")
def user_data_jsonl_named_csv(box):
    return _user_data(box, b'{"text": "a fine film", "label": "pos"}\n' * 24)


@case(None)
def user_data_duplicate_rows_warned(box):
    result = _user_data(box, GOOD_ROWS + b"a fine film 0,pos\n" * 3)
    assert b"warning: " in result.stderr and b"3 duplicate rows (kept)" in result.stderr
    return result


@case(None)
def user_data_path_with_spaces_quotes_and_dollars(box):
    result = _user_data(box, GOOD_ROWS, name="it's a $HOME \"file\".csv")
    (report,) = (box.root / "reports").glob(f"*-file-csv-*-split/{RUN}/accuracy.json")
    assert json.loads(report.read_text())["data"]["sentences"] == 24
    return result


@case(r"^error: .*reviews.csv line 2 has no column \"label'; touch .*'\" \(columns: 'text', "
      r"'label'\); set LABEL_COLUMN$")
def label_column_holding_a_quoted_command(box):
    result = _user_data(box, GOOD_ROWS, column=f"LABEL_COLUMN=label'; touch {box.root}/F; echo '")
    assert not (box.root / "F").exists()
    return result


@case(r"^error: .*reviews.csv line 2 has no column \"text'; touch .*'\" \(columns: 'text', "
      r"'label'\); set TEXT_COLUMN$")
def text_column_holding_a_quoted_command(box):
    result = _user_data(box, GOOD_ROWS, column=f"TEXT_COLUMN=text'; touch {box.root}/F; echo '")
    assert not (box.root / "F").exists()
    return result


@case(None)
def text_column_with_an_apostrophe(box):
    result = _user_data(box, GOOD_ROWS.replace(b"text,", b"reviewer's text,", 1),
                        column="TEXT_COLUMN=reviewer's text")
    assert list((box.root / "reports").glob(f"*-reviews-csv-*-split/{RUN}/accuracy.json"))
    return result


@case(r"^error: TEXT_COLUMN and LABEL_COLUMN both name 'label'; the text and its label must")
def text_column_equal_to_label_column(box):
    return _user_data(box, GOOD_ROWS, column="TEXT_COLUMN=label")


@case(None)
def user_labels_spelling_one_number_three_ways(box):
    rows = GOOD_ROWS.replace(b",pos", b",1").replace(b"film 1,1", b"film 1,1.0").replace(
        b"film 2,1", b"film 2, 1").replace(b",neg", b",0")
    result = _user_data(box, rows)
    assert b"1 labels spelling a class's number another way (read as that class)" in \
        result.stderr, result.stderr
    (prepared,) = box.build.glob("data/*reviews-csv-*.json")
    assert json.loads(prepared.read_text())["class_names"] == ["0", "1"]
    return result


@case(r"^Makefile:\d+: \*\*\* SEED must be a whole number in 0..4294966, got '0; touch F'")
def seed_holding_a_command(box):
    return box.make("eval", "SEED=0; touch F")


@case(r"^Makefile:\d+: \*\*\* JOBS must be >= 1, got 0\.  Stop\.$")
def sweep_with_no_jobs(box):
    return box.make("sweep", "JOBS=0")


@case(None)
def sweep_naming_a_seed_twice(box):
    box.copy_chain()
    result = box.make("sweep", "SEEDS=0 0")
    assert "# mr-split: 1 seeds" in result.stdout.decode(), result.stdout.decode()[-500:]
    return result


@case(r"^Makefile:\d+: \*\*\* NPROC must be >= 1, got 0\.  Stop\.$")
def nproc_zero(box):
    return box.make("pretrain", "NPROC=0")


@case(r"^Makefile:\d+: \*\*\* NPROC must be >= 1, got -1\.  Stop\.$")
def nproc_negative(box):
    return box.make("pretrain", "NPROC=-1")


@case(r"^Makefile:\d+: \*\*\* NPROC must be a whole number >= 1, got 'abc'\.  Stop\.$")
def nproc_not_a_number(box):
    return box.make("pretrain", "NPROC=abc")


@case(r"^Makefile:\d+: \*\*\* NPROC must be at most the \d+ cores this machine gives us, "
      r"got 64\.  Stop\.$")
def nproc_64_on_a_small_machine(box):
    return box.make("pretrain", "NPROC=64")


@case(r"^error: --nproc-per-node \(NPROC\) must be at most the \d+ cores this machine gives "
      r"us, got 64$")
def launcher_asked_for_64_processes(box):
    box.copy_chain("data")
    return subprocess.run(
        [sys.executable, "-m", "pipeline.launch", "--standalone", "--nproc-per-node=64", "-m",
         "pipeline", "pretrain", "--config", "tests/tiny.toml", "--build", str(box.build),
         "--device", "cpu", "--nproc", "64"], cwd=ROOT, capture_output=True, timeout=120)


# --- 9. model folders and the Python API ---------------------------------------------------

def _export(box: Box, *, before: Callable[[Path], None] = lambda folder: None
            ) -> tuple[subprocess.CompletedProcess, Path]:
    """`export` of the built chain's linear model into the box; `before` may first put
    something where the folder goes."""
    box.copy_chain()
    folder = box.root / "exports" / "mr-split-linear"
    before(folder)
    return box.stage("export", "--exports", str(box.root / "exports")), folder


def _edited_folder(box: Box, edit: Callable[[Path], None]) -> subprocess.CompletedProcess:
    exported, folder = _export(box)
    assert exported.returncode == 0, exported.stderr
    edit(folder)
    return box.stage("predict", "--model", str(folder), "a wonderful film")


def _notes_beside(folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "notes.txt").write_text("mine")


@case(r"^error: .*/mr-split-linear holds files that are not a model folder's \(notes\.txt\); "
      r"save the model elsewhere or move them away$")
def export_into_a_folder_holding_other_files(box):
    result, folder = _export(box, before=_notes_beside)
    assert (folder / "notes.txt").read_text() == "mine" and len(list(folder.iterdir())) == 1
    return result


@case(r"^error: .*/mr-split-linear is a file, not a folder; save the model elsewhere")
def export_onto_a_file(box):
    def a_file(folder):
        folder.parent.mkdir(parents=True)
        folder.write_text("mine")
    result, folder = _export(box, before=a_file)
    assert folder.read_text() == "mine"
    return result


@case(r"^error: .*/mr-split-linear/config\.json does not match the folder's checksum; export "
      r"the model again$")
def model_folder_with_its_labels_swapped(box):
    def swap(folder):
        config = json.loads((folder / "config.json").read_text())
        config["labels"].reverse()
        (folder / "config.json").write_text(json.dumps(config))
    return _edited_folder(box, swap)


@case(r"^error: .*/mr-split-linear/vocab\.txt does not match the folder's checksum")
def model_folder_with_two_vocabulary_lines_swapped(box):
    def swap(folder):
        words = (folder / "vocab.txt").read_text().split("\n")
        words[5], words[6] = words[6], words[5]
        (folder / "vocab.txt").write_text("\n".join(words))
    return _edited_folder(box, swap)


@case(r"^error: .*/config\.json: 'max_length' is 1000000000000, but its config's "
      r"data\.max_length is \d+; export the model again$")
def model_folder_resealed_with_a_huge_max_length(box):
    from pipeline.serving.model_folder import READ_BACK, SEAL, checksums

    def enlarge(folder):
        config = json.loads((folder / "config.json").read_text())
        config["max_length"] = 10**12
        (folder / "config.json").write_text(json.dumps(config))
        (folder / SEAL).write_text(checksums({n: (folder / n).read_bytes() for n in READ_BACK}))
    return _edited_folder(box, enlarge)


@case(r"^error: .*/mr/rt-polarity\.pos is a folder, not a file$")
def data_file_that_is_a_folder(box):
    data = box.copy_data()
    (data / "mr" / "rt-polarity.pos").unlink()
    (data / "mr" / "rt-polarity.pos").mkdir()
    return box.stage("prepare", data=data)


def _api(box: Box, code: str) -> subprocess.CompletedProcess:
    """A user's script: what the API raises, said as the script's one line."""
    script = ("import sys\nfrom pipeline import RAEClassifier\ntry:\n"
              + "".join(f"    {line}\n" for line in code.splitlines())
              + "except (ValueError, TypeError) as err:\n"  # subclasses say which of the two
              + "    kind = 'TypeError' if isinstance(err, TypeError) else 'ValueError'\n"
              + "    sys.exit(f'error: {kind}: {err}')\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=box.root, capture_output=True,
                            timeout=300)
    # sys.exit(text) ends with status 1; a refused argument is the case's expected end
    return subprocess.CompletedProcess(result.args, 2 if result.returncode == 1 else
                                       result.returncode, result.stdout, result.stderr)


@case(r"^error: ValueError: folder mine holds files that are not a model folder's \(notes"
      r"\.txt\)")
def api_save_into_a_folder_holding_other_files(box):
    exported, folder = _export(box)
    assert exported.returncode == 0, exported.stderr
    _notes_beside(box.root / "mine")
    result = _api(box, f"RAEClassifier.load({str(folder)!r}).save('mine')")
    assert (box.root / "mine" / "notes.txt").read_text() == "mine"
    return result


@case(r"^error: TypeError: every sentence in X must be a str, got NoneType at X\[1\]")
def api_fit_with_none_among_the_sentences(box):
    return _api(box, "RAEClassifier().fit(['a fine film', None], ['pos', 'neg'])")


@case(r"^error: TypeError: every sentence in X must be a str, got NoneType at X\[0\]")
def api_predict_none(box):
    exported, folder = _export(box)
    assert exported.returncode == 0, exported.stderr
    return _api(box, f"RAEClassifier.load({str(folder)!r}).predict([None])")


@case(r"^error: ValueError: dev_size must be a fraction strictly between 0 and 1 or a count of "
      r"sentences, got 1\.5$")
def api_dev_size_above_one(box):
    return _api(box, "RAEClassifier(dev_size=1.5).fit(['good', 'bad'] * 20, [1, 0] * 20)")


@case(r"^error: ValueError: device must be auto, cpu, cuda or cuda:N, got 'tpu'$")
def api_device_tpu(box):
    return _api(box, "RAEClassifier(device='tpu').fit(['good', 'bad'] * 20, [1, 0] * 20)")


@case(r"^interrupted; run the same command to resume$", code=130)
def ctrl_c_during_pretraining(box):
    box.copy_chain("data")
    # Long enough that the interrupt lands inside training however loaded the machine is.
    slow = box.config("[data]\nmin_count = 1\n[embeddings]\ndim = 16\nepochs = 500\n")
    command = [sys.executable, "-m", "pipeline", "pretrain", "--config", str(slow),
               "--build", str(box.build), "--device", "cpu", "--checkpoint-every", "0"]
    # A shell's background job inherits SIGINT ignored, and Python then never raises
    # KeyboardInterrupt; a user's terminal delivers it, so the stage gets the default back.
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 120
        while not list(box.build.glob("pretrain-*/pretrain.checkpoint.pt")):
            assert process.poll() is None and time.monotonic() < deadline, "no checkpoint saved"
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        process.kill()  # never left running: it trains for 500 epochs
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


# --- running them -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def outcomes(request, built, data_slice, tmp_path_factory) -> dict:
    """Each selected case's result (or how it failed), two processes at a time."""
    selected = [item.callspec.params["name"] for item in request.session.items
                if getattr(item, "originalname", None) == "test_hostile_input"]

    def attempt(name):
        run = CASES[name][0]
        try:
            return run(Box(tmp_path_factory.mktemp(name), built, data_slice))
        except Exception as failure:  # noqa: BLE001 - a case's failure (an assertion, a
            return failure  # timeout) is its own test's, not every case's

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(selected, pool.map(attempt, selected), strict=True))


@pytest.mark.parametrize("name", CASES)
def test_hostile_input(name, outcomes):
    _, expect, code = CASES[name]
    result = outcomes[name]
    if isinstance(result, Exception):
        raise result
    stderr = result.stderr.decode(errors="replace")
    # make's own last word; under `make test` the make a case runs is make[1]
    lines = [line for line in stderr.splitlines() if not re.match(r"make(\[\d+\])?: \*\*\*", line)]
    assert "Traceback" not in stderr, stderr[-2000:]
    if expect is None:  # valid output; warnings allowed
        assert result.returncode == 0, stderr[-2000:]
        assert all(line.startswith("warning: ") for line in lines), stderr[-2000:]
    else:
        assert result.returncode == code and len(lines) == 1, stderr[-2000:]
        assert re.search(expect, lines[0]), lines[0]


def test_the_docs_list_every_case():
    table = (ROOT / "docs" / "troubleshooting.md").read_text()
    assert len(CASES) >= 40
    assert [name for name in CASES if f"`{name}`" not in table] == []
