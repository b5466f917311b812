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
    (squared hinge, L2, C=1) on them, and the SVM interpolated towards naive Bayes: weights
    w' = (1 - beta) * mean|w| + beta * w, intercept b' = beta * b. The paper's settings:
    alpha=1, beta=0.25.
    Two classes are one such problem, as in the paper; more classes are one problem per class
    against the rest, and the highest score wins."""

    def __init__(self, alpha: float = 1.0, beta: float = 0.25, C: float = 1.0, max_n: int = 2):
        self.alpha, self.beta, self.C, self.max_n = alpha, beta, C, max_n

    def fit(self, tokens: list[list[str]], y: np.ndarray) -> NBSVM:
        y = np.asarray(y)
        self.vectorizer_ = CountVectorizer(binary=True, **_ngram_options(self.max_n))
        x = self.vectorizer_.fit_transform(tokens)
        self.classes_ = np.unique(y)
        positives = self.classes_[1:] if len(self.classes_) == 2 else self.classes_
        self.problems_ = [self._fit_binary(x, y == c) for c in positives]
        return self

    def _fit_binary(self, x: sp.csr_matrix, positive: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, float]:
        """-> (r, interpolated weights, intercept) for positive against the rest."""
        p = self.alpha + np.asarray(x[positive].sum(0)).ravel()
        q = self.alpha + np.asarray(x[~positive].sum(0)).ravel()
        r = np.log((p / p.sum()) / (q / q.sum()))
        svm = LinearSVC(C=self.C, loss="squared_hinge").fit(x.multiply(r).tocsr(),
                                                            positive.astype(int))
        w = svm.coef_.ravel()
        # The SVM's score is scaled by beta as a whole, so its intercept shrinks with its
        # weights: kept whole, it outweighs them fourfold and, on unbalanced classes (CR is
        # 64% positive), answers nearly everything with the larger class.
        return (r, (1 - self.beta) * np.abs(w).mean() + self.beta * w,
                self.beta * svm.intercept_[0])

    def decision_function(self, tokens: list[list[str]]) -> np.ndarray:
        """(N, problems) SVM scores: one column for two classes (> 0: the second)."""
        x = self.vectorizer_.transform(tokens)
        return np.column_stack([x.multiply(r).tocsr() @ w + b for r, w, b in self.problems_])

    def predict(self, tokens: list[list[str]]) -> np.ndarray:
        scores = self.decision_function(tokens)
        if len(self.classes_) == 2:
            return self.classes_[(scores[:, 0] > 0).astype(int)]
        return self.classes_[scores.argmax(1)]


BASELINES = {
    "majority": MajorityBaseline,
    "tfidf-lr": TfidfLogisticRegression,
    "nbsvm-bi": NBSVM,
}
