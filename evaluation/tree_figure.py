"""Side-by-side trees of one sentence, every node coloured by the sentiment it predicts."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt

from evaluation.figures import save

NO_CLASS = "0.75"  # grey: a node without a class


def _layout(words: int, children: list[tuple[int, int]]) -> tuple[list[float], list[int]]:
    """x: leaves at their word position, a parent midway between its children; y: height."""
    x, y = [float(i) for i in range(words)], [0] * words
    for left, right in children:  # children always come before their parent
        x.append((x[left] + x[right]) / 2)
        y.append(max(y[left], y[right]) + 1)
    return x, y


def _draw(axes, words: list[str], children: list[tuple[int, int]], classes: list[int],
          class_names: list[str]) -> None:
    x, y = _layout(len(words), children)
    colours = plt.get_cmap("RdBu")
    for parent, (left, right) in enumerate(children, start=len(words)):
        for child in (left, right):
            axes.plot([x[parent], x[child]], [y[parent], y[child]], color="grey", lw=0.8,
                      zorder=1)
    shade = [colours(c / max(len(class_names) - 1, 1)) if c >= 0 else NO_CLASS for c in classes]
    axes.scatter(x, y, c=shade, s=90, edgecolors="black", linewidths=0.5, zorder=2)
    for i, word in enumerate(words):
        axes.text(x[i], -0.6, word, rotation=60, ha="right", va="top", fontsize=8)
    axes.set_ylim(-3.2, max(y) + 0.8)
    axes.set_xlim(-1, len(words))
    axes.axis("off")


def tree_pairs(examples: list[dict], class_names: list[str], path: Path) -> None:
    """examples: {"words": [...], "trees": {panel title: (children, class of every node)}};
    children as in data/sst.py (leaves first, a node after its children); class -1 (no label,
    or a node the model does not predict) is drawn grey."""
    columns = max(len(example["trees"]) for example in examples)
    figure, axes = plt.subplots(len(examples), columns, squeeze=False,
                                figsize=(6 * columns, 3.2 * len(examples)))
    for row, example in enumerate(examples):
        for column, (title, (children, classes)) in enumerate(example["trees"].items()):
            _draw(axes[row, column], example["words"], children, classes, class_names)
            axes[row, column].set_title(title, fontsize=9)
    legend = plt.get_cmap("RdBu")
    handles = [plt.Line2D([], [], marker="o", ls="", markerfacecolor=legend(
        i / max(len(class_names) - 1, 1)), markeredgecolor="black", label=name)
        for i, name in enumerate(class_names)]
    if any(c < 0 for example in examples for _, classes in example["trees"].values()
           for c in classes):
        handles.append(plt.Line2D([], [], marker="o", ls="", markerfacecolor=NO_CLASS,
                                  markeredgecolor="black", label="no label / not predicted"))
    figure.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=8)
    figure.subplots_adjust(bottom=0.08)
    save(figure, path)
