"""RAEClassifier: the pipeline's RAE classifiers as a scikit-learn estimator over raw sentences.

    from pipeline import RAEClassifier
    model = RAEClassifier().fit(sentences, labels)  # lists of strings and of labels
    model.predict(["not bad at all"]), model.predict_proba([...]), model.tree("...")

It trains as `make classify` trains one fold, through the same code (the family's train_fold):
the fitted sentences are split into a training and a dev part (dev_size, stratified), dev picks
alpha and the epochs. Word vectors and the pretrained linear RAE come from the `make pretrain`
run of the same settings and seed when `build/` holds it (pretrained="auto"), else they are
trained on the fitted sentences themselves, as `make pretrain` trains them on its corpus.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
from nltk import Tree
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted

from data.token_store import SentenceIds
from data.tokenize import tokenize
from data.vocab import UNK, Vocabulary
from pipeline.classify import fold_vocabulary
from pipeline.families import FAMILIES, FoldInputs
from pipeline.infra.built import read_pretrained
from pipeline.infra.config import Config, load_config, with_files
from pipeline.infra.paths import PRETRAIN_FILE, pretrain_name
from pipeline.infra.runtime import resolve_device, set_seed
from pipeline.model_card import model_card
from pipeline.model_folder import load_folder, save_folder
from pipeline.pretrain import corpus_vocabulary, train_encoder
from pipeline.trained import TrainedModel
from training.resume import Checkpoint

TEXT_FAMILIES = tuple(name for name, family in FAMILIES.items() if not family.needs_trees)


class RAEClassifier(ClassifierMixin, BaseEstimator):
    """family: linear, greedy or greedy-random. config: a TOML file of settings (None: the
    defaults, those of configs/default.toml). pretrained: "auto", a pretrain.pt file, or None
    (always train word vectors and the linear RAE on the fitted sentences). build: where
    "auto" looks for `make pretrain`'s output."""

    def __init__(self, family: str = "linear", config: str | None = None, seed: int = 0,
                 device: str = "auto", dev_size: float = 0.1, pretrained: str | None = "auto",
                 build: str = "build"):
        self.family = family
        self.config = config
        self.seed = seed
        self.device = device
        self.dev_size = dev_size
        self.pretrained = pretrained
        self.build = build

    def fit(self, X, y) -> RAEClassifier:
        texts, labels = _texts(X), np.asarray(y)
        if len(labels) != len(texts):
            raise ValueError(f"{len(texts)} sentences but {len(labels)} labels")
        if self.family not in TEXT_FAMILIES:
            raise ValueError(f"family must be one of {', '.join(TEXT_FAMILIES)}, got "
                             f"{self.family!r}")
        self.classes_, y_index = np.unique(labels, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError("fit needs sentences of at least two classes")
        config = with_files(load_config(self.config))
        device = resolve_device(self.device)
        set_seed(self.seed)
        tokens = [tokenize(text) or [UNK] for text in texts]
        pretrained = self._pretrained(config, tokens, device)
        train, dev = train_test_split(np.arange(len(texts)), test_size=self.dev_size,
                                      stratify=y_index, random_state=self.seed)
        family = FAMILIES[self.family]
        vocab = fold_vocabulary(Vocabulary(pretrained["vocab"]), (tokens[i] for i in train),
                                family, config)
        ids = [vocab.encode(sentence) for sentence in tokens]
        parts = {part: ([ids[i] for i in rows], y_index[rows])
                 # train_fold also reports a test part's predictions: dev stands in for it
                 for part, rows in (("train", train), ("dev", dev), ("test", dev))}
        set_seed(self.seed)
        _, state = family.train_fold(FoldInputs(pretrained, config, device, vocab, parts,
                                                len(self.classes_), self.seed,
                                                Checkpoint.in_memory()))
        model = family.build_model(config, len(vocab), len(self.classes_))
        model.load_state_dict(state)
        self.trained_ = TrainedModel(family, model.eval(), vocab,
                                     [str(c) for c in self.classes_], config,
                                     {"seed": self.seed, "sentences": len(texts),
                                      "dev_size": self.dev_size}).to(device)
        return self

    def _pretrained(self, config: Config, tokens: list[list[str]], device) -> dict:
        """{vocab, encoder}: `make pretrain`'s, or trained here on `tokens`."""
        path = self._pretrain_file(config)
        if path is not None:
            return read_pretrained(path, config)
        vocab = corpus_vocabulary(Counter(t for sentence in tokens for t in sentence), config)
        sentences = SentenceIds.from_lists([vocab.encode(sentence) for sentence in tokens])
        encoder, _, _ = train_encoder(config, sentences, vocab, self.seed, device)
        return {"vocab": vocab.words,
                "encoder": {k: v.cpu() for k, v in encoder.state_dict().items()}}

    def _pretrain_file(self, config: Config) -> Path | None:
        if self.pretrained is None:
            return None
        if self.pretrained != "auto":
            return Path(self.pretrained)
        path = Path(self.build) / pretrain_name(config, self.seed) / PRETRAIN_FILE
        return path if path.is_file() else None

    def predict_proba(self, X) -> np.ndarray:
        check_is_fitted(self, "trained_")
        return self.trained_.probabilities(_texts(X))

    def predict(self, X) -> np.ndarray:
        probs = self.predict_proba(X)  # first: an unfitted estimator says so
        return self.classes_[probs.argmax(1)]

    def tree(self, text: str) -> Tree:
        """The tree a greedy RAE builds of the sentence, every node labelled by its own
        prediction (a NodeLabel: the class name, with .prob)."""
        check_is_fitted(self, "trained_")
        return self.trained_.answers([text], trees=True)[0]["tree"]

    def save(self, folder: str | Path) -> None:
        """A model folder (`make export`'s format); its card says it was not measured."""
        check_is_fitted(self, "trained_")
        name = Path(folder).name
        save_folder(self.trained_, Path(folder), model_card(self.trained_, name, None))

    @classmethod
    def load(cls, folder: str | Path, device: str = "auto") -> RAEClassifier:
        """An exported model folder, ready to predict; its classes_ are the class names."""
        trained = load_folder(Path(folder)).to(resolve_device(device))
        estimator = cls(family=trained.family.name, seed=trained.made_from.get("seed", 0),
                        device=device)
        estimator.trained_ = trained
        estimator.classes_ = np.asarray(trained.labels)
        return estimator


def _texts(X) -> list[str]:
    """Sentences as a list of str; a lone string is refused (it would be read as characters)."""
    if isinstance(X, str):
        raise TypeError("X must be a list of sentences, not one string; wrap it: [text]")
    texts = list(X)
    odd = next((x for x in texts if not isinstance(x, str)), None)
    if odd is not None:
        raise TypeError(f"every sentence must be a str, got {type(odd).__name__}: {odd!r:.60}")
    return texts
