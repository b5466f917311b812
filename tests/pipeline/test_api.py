"""RAEClassifier, the scikit-learn estimator: it fits on plain lists, predicts what a model of
the pipeline predicts, and scikit-learn's own tools (clone, cross_val_score, GridSearchCV)
accept it. The tiny config keeps it to seconds; word vectors are trained on the sentences."""

import re
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score

from pipeline import RAEClassifier

pytestmark = pytest.mark.slow
TINY = str(Path(__file__).resolve().parents[1] / "tiny.toml")
GOOD = ["good", "great", "fine", "superb", "lovely"]
BAD = ["bad", "awful", "dull", "poor", "boring"]


def _sentences(n: int = 120, seed: int = 0) -> tuple[list[str], list[str]]:
    """Short sentences of neutral words around one polar word: the label is that word's."""
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for i in range(n):
        positive = i % 2 == 0
        words = list(rng.choice(["the", "film", "plot", "was", "a", "story"], 4))
        words.insert(int(rng.integers(0, 5)), str(rng.choice(GOOD if positive else BAD)))
        texts.append(" ".join(words))
        labels.append("pos" if positive else "neg")
    return texts, labels


def _estimator(**params) -> RAEClassifier:
    return RAEClassifier(**{"config": TINY, "pretrained": None, **params})


@pytest.fixture(scope="module")
def fitted() -> RAEClassifier:
    return _estimator().fit(*_sentences(40))


@pytest.mark.parametrize("family", ["linear", "greedy"])
def test_fit_predict_and_predict_proba(family):
    texts, labels = _sentences()
    model = _estimator(family=family).fit(texts, labels)
    assert list(model.classes_) == ["neg", "pos"]
    probs = model.predict_proba(texts)
    assert probs.shape == (len(texts), 2) and np.allclose(probs.sum(1), 1, atol=1e-5)
    assert list(model.predict(texts)) == list(model.classes_[probs.argmax(1)])
    assert model.score(texts, labels) > 0.5


def test_no_arguments_at_all_trains_its_own_vectors_where_no_run_pretrained(tmp_path,
                                                                          monkeypatch):
    monkeypatch.chdir(tmp_path)  # no build/ here: word vectors come from the sentences
    texts, labels = _sentences(200)
    model = RAEClassifier().fit(texts, labels)
    assert set(model.trained_.vocab.words) >= {"good", "awful", "film"}
    assert model.score(texts, labels) > 0.8


def test_the_same_seed_fits_the_same_model():
    texts, labels = _sentences()
    first, second = (_estimator().fit(texts, labels).predict_proba(texts) for _ in range(2))
    assert np.array_equal(first, second)


def test_labels_of_any_type_come_back_as_given():
    texts, labels = _sentences()
    numbers = [1 if label == "pos" else -1 for label in labels]
    model = _estimator().fit(texts, numbers)
    assert list(model.classes_) == [-1, 1] and set(model.predict(texts)) <= {-1, 1}


def test_scikit_learn_tools_accept_it():
    texts, labels = _sentences(80)
    estimator = _estimator()
    assert clone(estimator).get_params() == estimator.get_params()
    assert estimator.set_params(seed=3).seed == 3
    scores = cross_val_score(_estimator(), texts, labels, cv=2)
    assert scores.shape == (2,) and np.all((0 <= scores) & (scores <= 1))
    search = GridSearchCV(_estimator(), {"family": ["linear", "greedy"]}, cv=2).fit(texts, labels)
    assert search.best_params_["family"] in ("linear", "greedy")


def test_a_greedy_model_shows_its_tree_and_saves_to_a_folder(tmp_path):
    texts, labels = _sentences()
    model = _estimator(family="greedy").fit(texts, labels)
    tree = model.tree("the plot was superb")
    assert tree.leaves() == ["the", "plot", "was", "superb"]
    assert tree.label() in ("neg", "pos") and 0.5 <= tree.label().prob <= 1
    model.save(tmp_path / "folder")
    loaded = RAEClassifier.load(tmp_path / "folder")
    assert list(loaded.classes_) == ["neg", "pos"]
    assert np.abs(loaded.predict_proba(texts) - model.predict_proba(texts)).max() < 1e-6
    assert "Not measured" in (tmp_path / "folder" / "README.md").read_text()


@pytest.mark.parametrize(("X", "y", "error", "message"), [
    ("one string", ["pos"], TypeError, "not one string"),
    (["fine", 3], ["pos", "neg"], TypeError, "must be a str, got int"),
    (["fine", None], ["pos", "neg"], TypeError, r"in X must be a str, got NoneType at X\[1\]"),
    (["a", "b"], ["pos"], ValueError, "2 sentences but 1 labels"),
    (["a", "b"], ["pos", "pos"], ValueError, "at least two classes"),
])
def test_bad_input_is_one_clear_error(X, y, error, message):
    with pytest.raises(error, match=message):
        _estimator().fit(X, y)


def test_an_unknown_family_is_refused():
    with pytest.raises(ValueError, match="family must be one of linear, greedy, greedy-random, "
                                         "tree, rntn, treelstm, got 'mv-rnn'"):
        _estimator(family="mv-rnn").fit(*_sentences(20))


def test_a_family_that_follows_trees_without_a_parser_says_how_to_make_one(tmp_path):
    with pytest.raises(ValueError, match=r"follows parse trees, and .*parser.pt does not exist: "
                                         r"run `make parser`"):
        _estimator(family="treelstm", build=str(tmp_path)).fit(*_sentences(20))
    with pytest.raises(ValueError, match="parser must be \"auto\" or the path of a parser.pt"):
        _estimator(family="tree", parser=str(tmp_path / "none.pt")).fit(*_sentences(20))


def test_predicting_before_fitting_says_so():
    with pytest.raises(NotFittedError):
        RAEClassifier().predict(["a sentence"])


@pytest.mark.parametrize(("params", "error", "message"), [
    ({"dev_size": 1.5}, ValueError, "dev_size must be a fraction strictly between 0 and 1 or a "
                                    "count of sentences, got 1.5"),
    ({"dev_size": True}, ValueError, "dev_size must be a fraction"),
    ({"dev_size": 0}, ValueError, "dev_size 0 holds out 0 of 40 sentences; dev and the training "
                                  "part each need at least 2 (one per class)"),
    ({"dev_size": 39}, ValueError, "dev_size 39 holds out 39 of 40 sentences"),
    ({"dev_size": 0.01}, ValueError, "dev_size 0.01 holds out 1 of 40 sentences"),
    ({"device": "tpu"}, ValueError, "device must be auto, cpu, cuda or cuda:N, got 'tpu'"),
    ({"device": None}, ValueError, "device must be auto, cpu, cuda or cuda:N, got None"),
    ({"seed": -1}, ValueError, "seed must be in 0..4294966, got -1"),
    ({"seed": 2**40}, ValueError, "seed must be in 0..4294966, got 1099511627776"),
    ({"seed": 1.5}, TypeError, "seed must be an int, got float: 1.5"),
    ({"seed": "3"}, TypeError, "seed must be an int, got str"),
    ({"pretrained": "no/such/pretrain.pt"}, ValueError,
     'pretrained must be "auto", None or the path of a pretrain.pt; no/such/pretrain.pt is not '
     'a file'),
    ({"pretrained": 3}, TypeError, 'pretrained must be "auto", None or the path of a pretrain.pt'),
    ({"pretrained": __file__}, ValueError, f"pretrained: {__file__} is damaged or not a "
                                           f"checkpoint ("),
])
def test_a_bad_parameter_is_refused_by_fit_in_its_name(params, error, message):
    """Before any training, as scikit-learn's own estimators do, and never as the message of
    the library that would have failed on it (sklearn's test_size, torch's device string)."""
    with pytest.raises(error, match=re.escape(message)):
        _estimator(**params).fit(*_sentences(40))


def test_sentences_to_predict_must_be_strings(fitted):
    for method in (fitted.predict, fitted.predict_proba):
        with pytest.raises(TypeError, match=re.escape("got NoneType at X[0]: None")):
            method([None])
    with pytest.raises(TypeError, match="text must be a str, got NoneType"):
        fitted.tree(None)


def test_saving_never_deletes_what_it_did_not_write(fitted, tmp_path):
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "notes.txt").write_text("mine\n")
    with pytest.raises(ValueError, match=re.escape(
            f"folder {tmp_path / 'folder'} holds files that are not a model folder's "
            f"(notes.txt); save the model elsewhere or move them away")):
        fitted.save(tmp_path / "folder")
    (tmp_path / "file").write_text("mine\n")
    with pytest.raises(ValueError, match=re.escape(f"folder {tmp_path / 'file'} is a file, not a "
                                                   f"folder")):
        fitted.save(tmp_path / "file")
    assert (tmp_path / "folder" / "notes.txt").read_text() == "mine\n"
    assert (tmp_path / "file").read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "folder"]


def test_loading_names_a_wrong_device_before_reading_the_folder(tmp_path):
    with pytest.raises(ValueError, match="device must be auto, cpu, cuda or cuda:N, got 'tpu'"):
        RAEClassifier.load(tmp_path / "nothing", device="tpu")
