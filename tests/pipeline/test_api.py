"""RAEClassifier, the scikit-learn estimator: it fits on plain lists, predicts what a model of
the pipeline predicts, and scikit-learn's own tools (clone, cross_val_score, GridSearchCV)
accept it. The tiny config keeps it to seconds; word vectors are trained on the sentences."""

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
    return RAEClassifier(config=TINY, pretrained=None, **params)


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
    (["a", "b"], ["pos"], ValueError, "2 sentences but 1 labels"),
    (["a", "b"], ["pos", "pos"], ValueError, "at least two classes"),
])
def test_bad_input_is_one_clear_error(X, y, error, message):
    with pytest.raises(error, match=message):
        _estimator().fit(X, y)


def test_an_unknown_family_is_refused():
    with pytest.raises(ValueError, match="family must be one of linear, greedy, greedy-random"):
        _estimator(family="tree").fit(*_sentences(20))


def test_predicting_before_fitting_says_so():
    with pytest.raises(NotFittedError):
        RAEClassifier().predict(["a sentence"])
