"""The report's figures, as PNG files: confusion matrix, training curves, unroll recovery."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; no display on servers or in CI
import matplotlib.pyplot as plt  # noqa: E402

from pipeline.infra.artifacts import save_bytes_with  # noqa: E402


def save(figure, path: Path) -> None:
    """Atomically, through a temporary file of its own: a reader never sees half a PNG."""
    figure.tight_layout()
    save_bytes_with(lambda stream: figure.savefig(stream, format="png", dpi=110), path)
    plt.close(figure)


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
    save(figure, path)


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
    colors = plt.get_cmap("tab10").colors
    for (name, curves), color in zip(fold_curves.items(), colors, strict=False):
        for k, curve in enumerate(curves):
            epochs = range(1, len(curve["dev_accuracy"]) + 1)
            right.plot(epochs, curve["dev_accuracy"], color=color, alpha=0.6,
                       label=name if k == 0 else None)
    right.set_xscale("log")
    right.set_xlabel("epoch (log scale; frozen head: full-batch steps)")
    right.set_ylabel("dev accuracy")
    right.set_title("classifier training, one line per fold", fontsize=9)
    right.legend(fontsize=8)
    save(figure, path)


def unroll_recovery(recovery: dict, path: Path) -> None:
    figure, axes = plt.subplots(figsize=(5, 3.4))
    axes.bar(recovery["positions"], recovery["recovered"], color="tab:green")
    axes.set_xlabel("position from the end of the sentence (1 = last word)")
    axes.set_ylabel("words recovered exactly")
    axes.set_ylim(0, 1)
    axes.set_xticks(recovery["positions"])
    axes.set_title("unrolling the final code of held-out MR sentences", fontsize=9)
    save(figure, path)


def toy_reconstruction(inputs: list[list[float]], unrolled: dict[str, list[list[float]]],
                       recalled: dict[str, int], path: Path) -> None:
    """For each recipe, the input one-hot matrix above the unrolled reconstruction."""
    figure, axes = plt.subplots(2, len(unrolled), figsize=(3.2 * len(unrolled), 6), squeeze=False)
    for column, (name, decoded) in enumerate(unrolled.items()):
        top, bottom = axes[0, column], axes[1, column]
        top.imshow(inputs, cmap="Greys", vmin=0, vmax=1)
        top.set_title(f"input ({name})", fontsize=9)
        bottom.imshow(decoded, cmap="Greys", vmin=0, vmax=1)
        bottom.set_title(f"unrolled from h_n: {recalled[name]}/{len(inputs)} recalled",
                         fontsize=9)
        for ax in (top, bottom):
            ax.set_xlabel("input unit")
            ax.set_ylabel("position")
    save(figure, path)


def process_scaling(rows: list[dict], speeds: dict[str, str], path: Path) -> None:
    """Training speed against the number of processes, as a multiple of one process's."""
    figure, axes = plt.subplots(figsize=(5, 3.6))
    processes = [row["processes"] for row in rows]
    for key, label in speeds.items():
        axes.plot(processes, [row[key] / rows[0][key] for row in rows], marker="o", label=label)
    axes.plot(processes, processes, color="grey", linestyle=":", label="linear scaling")
    axes.set_xticks(processes)
    axes.set_xlabel("processes (torchrun, one thread each)")
    axes.set_ylabel("tokens/s, relative to 1 process")
    axes.set_title("pretraining across processes (DDP)", fontsize=9)
    axes.legend(fontsize=8)
    save(figure, path)


def toy_sweep(sweep: list[dict], path: Path) -> None:
    """Recall against sequence length, one line per hidden size."""
    figure, axes = plt.subplots(figsize=(5, 3.6))
    for hidden in sorted({row["hidden"] for row in sweep}):
        rows = [row for row in sweep if row["hidden"] == hidden]
        axes.plot([r["length"] for r in rows], [r["recalled"] for r in rows], marker="o",
                  label=f"hidden {hidden}")
    lengths = [row["length"] for row in sweep]
    axes.plot([min(lengths), max(lengths)], [min(lengths), max(lengths)], color="grey",
              linestyle=":", label="perfect recall")
    axes.set_xlabel("sequence length n (inputs eye(n))")
    axes.set_ylabel("positions recalled")
    axes.set_title("where the linear RAE stops remembering", fontsize=9)
    axes.legend(fontsize=8)
    save(figure, path)


def toy_training(traces: dict[str, list[list[int]]], length: int, budget: int, path: Path
                 ) -> None:
    """Positions recalled against training step, one line per run; the step budget marked."""
    figure, axes = plt.subplots(figsize=(5, 3.6))
    for name, trace in traces.items():
        steps, recalled = zip(*trace, strict=True)
        axes.step(steps, recalled, where="post", label=name)
    axes.axvline(budget, color="grey", linestyle=":", label=f"step budget ({budget})")
    axes.set_xscale("symlog", linthresh=100)
    axes.set_ylim(0, length + 0.5)
    axes.set_xlabel("training step")
    axes.set_ylabel(f"positions recalled (of {length})")
    axes.set_title("recall while training", fontsize=9)
    axes.legend(fontsize=8)
    save(figure, path)
