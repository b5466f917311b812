"""The Recursive Neural Tensor Network (Socher et al. 2013) along SST's trees: family rntn.

Trained as CoreNLP's SentimentTraining trains it ([rntn]): the cross-entropy of every phrase
and word, summed over a tree and averaged over a minibatch of 27 trees, plus L2 on the
composition (1e-3) and on the classifier and the words (1e-4), by AdaGrad at 0.01 whose
history restarts every epoch. Dev picks the word vectors' start (random, or the pretrained
ones projected to d) and the epoch.
"""

from __future__ import annotations

from models.rntn import RNTN, RNTNConfig
from pipeline.families import phrase
from pipeline.families.family import Family, FoldInputs
from pipeline.infra.config import Config


def build_model(config: Config, vocab_size: int, classes: int) -> RNTN:
    return RNTN(RNTNConfig(vocab_size, config.rntn.dim, classes))


def train_fold(fold: FoldInputs) -> tuple[dict, dict]:
    return phrase.train_fold(fold, "rntn", lambda: build_model(fold.config, fold.vocab_size,
                                                               fold.classes), fold.config.rntn)


FAMILIES = (Family(
    name="rntn", order=50, rows=("rntn",), saved_row="rntn", datasets=("sst2", "sst5"),
    needs_trees=True,
    about="rntn: the Recursive Neural Tensor Network (Socher et al. 2013) along the parse "
          "trees, learning from the label of every phrase and word (AdaGrad, L2, as CoreNLP "
          "trains it).",
    section="rntn", build_model=build_model, train_fold=train_fold),)
