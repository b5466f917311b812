"""Non-neural baselines on token lists, scikit-learn style: fit(tokens, y) -> self; predict.

- MajorityBaseline: always the most frequent training label.
- TfidfLogisticRegression: tf-idf of uni- and bigrams, L2 logistic regression.
- NBSVM: Wang & Manning 2012, "Baselines and Bigrams", the NBSVM-bi of their Table 1.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def _ngram_options(max_n: int) -> dict:
    # The text arrives tokenised; the vectorizer only forms n-grams of those tokens.
    return {"tokenizer": _identity, "preprocessor": _identity, "token_pattern": None,
            "lowercase": False, "ngram_range": (1, max_n)}


class MajorityBaseline:
    def fit(self, tokens: list[list[str]], y: np.ndarray) -> MajorityBaseline:
        values, counts = np.unique(y, return_counts=True)
        self.label_ = values[np.argmax(counts)]
        return self

    def predict(self, tokens: list[list[str]]) -> np.ndarray:
        return np.full(len(tokens), self.label_)


class TfidfLogisticRegression:
    def __init__(self, C: float = 1.0, max_n: int = 2):
        self.C, self.max_n = C, max_n

    def fit(self, tokens: list[list[str]], y: np.ndarray) -> TfidfLogisticRegression:
        self.vectorizer_ = TfidfVectorizer(sublinear_tf=True, **_ngram_options(self.max_n))
        features = self.vectorizer_.fit_transform(tokens)
        self.model_ = LogisticRegression(C=self.C, max_iter=1000).fit(features, y)
        return self

    def predict(self, tokens: list[list[str]]) -> np.ndarray:
        return self.model_.predict(self.vectorizer_.transform(tokens))


class NBSVM:
    """Binary n-gram indicators scaled by the naive-Bayes log-count ratio r, a linear SVM
    (squared hinge, L2, C=1) on them, and its weights interpolated towards their mean
    magnitude: w' = (1 - beta) * mean|w| + beta * w. The paper's settings: alpha=1, beta=0.25."""

    def __init__(self, alpha: float = 1.0, beta: float = 0.25, C: float = 1.0, max_n: int = 2):
        self.alpha, self.beta, self.C, self.max_n = alpha, beta, C, max_n

    def _indicators(self, tokens: list[list[str]]) -> sp.csr_matrix:
        return self.vectorizer_.transform(tokens)

    def fit(self, tokens: list[list[str]], y: np.ndarray) -> NBSVM:
        y = np.asarray(y)
        self.vectorizer_ = CountVectorizer(binary=True, **_ngram_options(self.max_n))
        x = self.vectorizer_.fit_transform(tokens)
        p = self.alpha + np.asarray(x[y == 1].sum(0)).ravel()
        q = self.alpha + np.asarray(x[y == 0].sum(0)).ravel()
        self.r_ = np.log((p / p.sum()) / (q / q.sum()))
        svm = LinearSVC(C=self.C, loss="squared_hinge").fit(x.multiply(self.r_).tocsr(), y)
        w = svm.coef_.ravel()
        self.coef_ = (1 - self.beta) * np.abs(w).mean() + self.beta * w
        self.intercept_ = svm.intercept_[0]
        return self

    def predict(self, tokens: list[list[str]]) -> np.ndarray:
        scores = self._indicators(tokens).multiply(self.r_).tocsr() @ self.coef_ + self.intercept_
        return (scores > 0).astype(int)


BASELINES = {
    "majority": MajorityBaseline,
    "tfidf-lr": TfidfLogisticRegression,
    "nbsvm-bi": NBSVM,
}
