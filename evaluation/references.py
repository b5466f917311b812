"""Published MR results (not measured here), for the report's reference rows.

Copied from the project's reference sheet; every row carries its citation and is labelled
"reported" wherever it is shown. All are 10-fold cross-validation on MR.
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
