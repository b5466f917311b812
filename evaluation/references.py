"""Published results (not measured here), for the reports' reference rows.

Copied from the project's reference sheet; every row carries its citation and is labelled
"reported" wherever it is shown. MR, SUBJ, CR and MPQA rows are 10-fold cross-validation; SST
rows are root accuracy on the standard test split, models trained on every labelled phrase.
"""

MR_REPORTED = [
    {"model": "Semi-supervised RAE, pretrained word vectors", "accuracy": 0.777,
     "source": "Socher et al. 2011, EMNLP, Table 4"},
    {"model": "Semi-supervised RAE, random word init", "accuracy": 0.768,
     "source": "Socher et al. 2011, Table 4"},
    {"model": "Tree-CRF", "accuracy": 0.773, "source": "Nakagawa et al. 2010 (via Socher 2011)"},
    {"model": "Bag of features with reversal", "accuracy": 0.764,
     "source": "Socher et al. 2011, Table 4"},
    {"model": "NBSVM-bi", "accuracy": 0.794, "source": "Wang & Manning 2012"},
    {"model": "MNB-bi", "accuracy": 0.790, "source": "Wang & Manning 2012"},
    {"model": "MV-RNN", "accuracy": 0.790, "source": "Socher et al. 2012"},
    {"model": "CNN-rand (no pretrained vectors)", "accuracy": 0.761, "source": "Kim 2014, Table 2"},
    {"model": "CNN-non-static (word2vec, 100B words)", "accuracy": 0.815,
     "source": "Kim 2014, Table 2"},
]

_SST_2013 = "Socher et al. 2013, Table 1"
# (model, fine-grained root accuracy, binary root accuracy, source)
_SST = [("NB", 0.410, 0.818, _SST_2013),
        ("RNN (recursive, given parse trees)", 0.432, 0.824, _SST_2013),
        ("MV-RNN", 0.444, 0.829, _SST_2013),
        ("RNTN", 0.457, 0.854, _SST_2013),
        ("Constituency Tree-LSTM (GloVe 840B, tuned)", 0.510, 0.880, "Tai et al. 2015, Table 2"),
        ("Tree-LSTM, TensorFlow Fold (GloVe, recurrent dropout)", 0.523, 0.894,
         "Looks et al. 2017, Table 2")]

_KIM = "Kim 2014, Table 2"
# (model, SUBJ, CR, MPQA, source); None: not reported
_OTHER = [("NBSVM", 0.932, 0.818, 0.863, "Wang & Manning 2012 (via Kim 2014, Table 2)"),
          ("CNN-rand (no pretrained vectors)", 0.896, 0.798, 0.834, _KIM),
          ("Semi-supervised RAE", None, None, 0.864, "Socher et al. 2011 (via Kim 2014, Table 2)")]

REPORTED = {
    "mr": MR_REPORTED,
    **{name: [{"model": row[0], "accuracy": row[column], "source": row[4]}
              for row in _OTHER if row[column] is not None]
       for column, name in enumerate(("subj", "cr", "mpqa"), start=1)},
    "sst2": [{"model": m, "accuracy": binary, "source": src} for m, _, binary, src in _SST],
    "sst5": [{"model": m, "accuracy": fine, "source": src} for m, fine, _, src in _SST],
}
