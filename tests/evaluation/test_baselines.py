import numpy as np
import pytest
from sklearn.svm import LinearSVC

from evaluation.baselines import NBSVM, MajorityBaseline, TfidfLogisticRegression

DOCS = [["good", "film"], ["good", "fun"], ["bad", "film"], ["bad", "bad", "plot"]]
LABELS = np.array([1, 1, 0, 0])


def test_nbsvm_log_count_ratio_by_hand():
    model = NBSVM(alpha=1.0, max_n=1).fit(DOCS, LABELS)
    [(ratio, _, _)] = model.problems_  # two classes: one problem, class 1 positive
    r = dict(zip(model.vectorizer_.get_feature_names_out(), ratio, strict=True))
    # Binarised counts: positive docs {good: 2, film: 1, fun: 1}, negative {bad: 2, film: 1,
    # plot: 1}; with alpha = 1 over 5 features both count vectors sum to 9.
    assert np.isclose(r["good"], np.log((3 / 9) / (1 / 9)))
    assert np.isclose(r["film"], 0.0)
    assert np.isclose(r["bad"], np.log((1 / 9) / (3 / 9)))


@pytest.mark.parametrize("cues", [("awful", "great"), ("awful", "dull", "fine", "great", "superb")])
def test_baselines_learn_a_clear_signal(cues):
    rng = np.random.default_rng(0)
    filler = [f"w{i}" for i in range(50)]
    docs, labels = [], []
    for i in range(400):
        label = i % len(cues)
        docs.append(list(rng.choice(filler, 6)) + [cues[label]])
        labels.append(label)
    labels = np.array(labels)
    for model in (NBSVM(), TfidfLogisticRegression()):
        model.fit(docs[:300], labels[:300])
        assert (model.predict(docs[300:]) == labels[300:]).mean() > 0.95
    majority = MajorityBaseline().fit(docs, np.array([0, 1, 1] * 10))
    assert set(majority.predict(docs[:5])) == {1}



def test_nbsvm_scales_the_whole_svm_towards_naive_bayes():
    """Score = beta * (the SVM's own score) + (1 - beta) * mean|w| * (r . x): the intercept
    shrinks with the weights, so unbalanced classes do not tip every answer to the larger."""
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(30)]
    docs = [list(rng.choice(words, 5)) for _ in range(200)]
    labels = (rng.random(200) < 0.7).astype(int)  # unbalanced, as CR is
    model = NBSVM(max_n=1).fit(docs, labels)
    [(r, _, _)] = model.problems_
    x = model.vectorizer_.transform(docs).multiply(r).tocsr()
    svm = LinearSVC(C=1.0, loss="squared_hinge").fit(x, labels)
    own = x @ svm.coef_.ravel() + svm.intercept_[0]
    naive_bayes = np.abs(svm.coef_).mean() * np.asarray(x.sum(1)).ravel()
    expected = model.beta * own + (1 - model.beta) * naive_bayes
    assert np.allclose(model.decision_function(docs)[:, 0], expected)
