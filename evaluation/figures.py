"""The report's figures, as PNG files: confusion matrix, training curves, unroll recovery."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; no display on servers or in CI
import matplotlib.pyplot as plt  # noqa: E402


def _save(figure, path: Path) -> None:
    figure.tight_layout()
    temporary = path.with_name(f".{path.name}.tmp.png")
    figure.savefig(temporary, dpi=110)
    plt.close(figure)
    temporary.replace(path)  # atomic: a reader never sees half a PNG


def confusion(matrix: list[list[int]], class_names: list[str], title: str, path: Path) -> None:
    figure, axes = plt.subplots(figsize=(3.8, 3.4))
    axes.imshow(matrix, cmap="Blues")
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            axes.text(j, i, str(count), ha="center", va="center",
                      color="white" if count > max(map(max, matrix)) / 2 else "black")
    axes.set_xticks(range(len(class_names)), class_names)
    axes.set_yticks(range(len(class_names)), class_names)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    axes.set_title(title, fontsize=9)
    _save(figure, path)


def training_curves(pretrain_losses: dict[str, list[float]], fold_curves: dict[str, list[dict]],
                    path: Path) -> None:
    """Left: pretraining loss per epoch. Right: dev accuracy per epoch of each fold's run."""
    figure, (left, right) = plt.subplots(1, 2, figsize=(9, 3.4))
    for name, losses in pretrain_losses.items():
        left.plot(range(1, len(losses) + 1), losses, marker="o", label=name)
    left.set_xlabel("epoch")
    left.set_ylabel("training loss")
    left.set_title("pretraining (unlabeled movie reviews)", fontsize=9)
    left.legend(fontsize=8)
    for (name, curves), color in zip(fold_curves.items(), ("tab:blue", "tab:orange"), strict=False):
        for k, curve in enumerate(curves):
            epochs = range(1, len(curve["dev_accuracy"]) + 1)
            right.plot(epochs, curve["dev_accuracy"], color=color, alpha=0.6,
                       label=name if k == 0 else None)
    right.set_xscale("log")
    right.set_xlabel("epoch (log scale; frozen head: full-batch steps)")
    right.set_ylabel("dev accuracy")
    right.set_title("classifier training, one line per fold", fontsize=9)
    right.legend(fontsize=8)
    _save(figure, path)


def unroll_recovery(recovery: dict, path: Path) -> None:
    figure, axes = plt.subplots(figsize=(5, 3.4))
    axes.bar(recovery["positions"], recovery["recovered"], color="tab:green")
    axes.set_xlabel("position from the end of the sentence (1 = last word)")
    axes.set_ylabel("words recovered exactly")
    axes.set_ylim(0, 1)
    axes.set_xticks(recovery["positions"])
    axes.set_title("unrolling the final code of held-out MR sentences", fontsize=9)
    _save(figure, path)
