"""Every test sentence with its true class and each row's predicted class -> predictions.json
beside the report: what `make serve`'s error browser reads (it reads nothing outside reports/
and the model folders)."""

from __future__ import annotations

import numpy as np

from data.tasks import Task


def fold_predictions(task: Task, rows: list[dict]) -> dict:
    """{class_names, sentences: [{text, label, fold}], predicted: {row: [class index]}}, the
    sentences in the order of the test folds, as each row's predictions are."""
    order = [(k, int(i)) for k, fold in enumerate(task.folds) for i in fold.test]
    return {"class_names": list(task.class_names),
            "sentences": [{"text": task.texts[i], "label": task.class_names[task.labels[i]],
                           "fold": k} for k, i in order],
            "predicted": {row["model"]: np.concatenate(row["predictions"]).astype(int).tolist()
                          for row in rows}}


def wrong_predictions(predictions: dict, model: str, label: str | None = None) -> list[dict]:
    """The sentences `model` got wrong (of true class `label`, if given), with its answer."""
    names, predicted = predictions["class_names"], predictions["predicted"][model]
    return [{**sentence, "predicted": names[p]}
            for sentence, p in zip(predictions["sentences"], predicted, strict=True)
            if names[p] != sentence["label"] and label in (None, sentence["label"])]
