import numpy as np
import pytest

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
