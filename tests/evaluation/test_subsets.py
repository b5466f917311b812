import numpy as np

from evaluation.subsets import subset_accuracies, subset_masks


def test_negation_and_but_sentences_are_found_by_their_words():
    sentences = [["it", "is", "n't", "good"], ["Not", "bad"], ["good", "but", "long"],
                 ["a", "fine", "film"], ["hardly", "fun", ",", "but", "short"]]
    masks = subset_masks(sentences)
    assert masks["negation"].tolist() == [True, True, False, False, True]
    assert masks["but"].tolist() == [False, False, True, False, True]


def test_subset_accuracy_counts_only_its_sentences():
    masks = {"negation": np.array([True, False, True]), "but": np.zeros(3, dtype=bool)}
    said = subset_accuracies(masks, np.array([1, 0, 1]), np.array([1, 1, 0]))
    assert said == {"negation": {"accuracy": 0.5, "sentences": 2},
                    "but": {"accuracy": None, "sentences": 0}}
