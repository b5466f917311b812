"""A sentence's tree as SVG, every node coloured by its own predicted class.

The words sit on the bottom line, each parent above its highest child, centred over its
children. A node's colour is its class's; its opacity grows with the node's probability, from
faint at chance to solid at 1. Every piece of text is escaped: what a user typed is drawn as
text, never read as markup.
"""

from __future__ import annotations

from html import escape

from nltk import Tree

# Diverging colours from negative to positive (ColorBrewer RdBu); a class takes its place in
# the model's class order, so neg/pos and the five SST classes read alike.
PALETTE = ("#b2182b", "#ef8a62", "#8c8c8c", "#67a9cf", "#2166ac")
CHARACTER = 7.5  # px per character of a word, at the page's font size
WORD_GAP = 14
LEVEL = 40  # px between a node and its parent
RADIUS = 7
MARGIN = 16


def class_colours(labels: list[str]) -> dict[str, str]:
    """Two classes take the palette's ends, five take it all; others spread over it."""
    last = len(labels) - 1
    return {label: PALETTE[round(i * (len(PALETTE) - 1) / last)] for i, label in
            enumerate(labels)}


def _opacity(prob: float, classes: int) -> float:
    chance = 1 / classes
    return round(0.3 + 0.7 * max(0.0, (prob - chance) / (1 - chance)), 3)


def _height(node) -> int:
    return 0 if isinstance(node, str) else 1 + max(_height(child) for child in node)


def tree_svg(tree: Tree, labels: list[str]) -> str:
    """tree: an answer's tree (a NodeLabel, with .prob, on every node; words as leaves)."""
    colours, top = class_colours(labels), _height(tree)
    words, lines, nodes = [], [], []
    x_next = MARGIN

    def place(node) -> tuple[float, float]:
        nonlocal x_next
        if isinstance(node, str):
            width = max(len(node) * CHARACTER, 2 * RADIUS)
            x = x_next + width / 2
            x_next += width + WORD_GAP
            y = MARGIN + top * LEVEL
            words.append(f'<text class="word" x="{x:.1f}" y="{y + 18:.1f}" '
                         f'text-anchor="middle">{escape(node)}</text>')
            return x, y
        children = [place(child) for child in node]
        x = sum(cx for cx, _ in children) / len(children)
        y = MARGIN + (top - _height(node)) * LEVEL
        lines.extend(f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{cx:.1f}" y2="{cy:.1f}"/>'
                     for cx, cy in children)
        label = node.label()
        prob = label.prob
        nodes.append(
            f'<circle class="node" cx="{x:.1f}" cy="{y:.1f}" r="{RADIUS}" '
            f'fill="{colours.get(str(label), PALETTE[2])}" '
            f'fill-opacity="{_opacity(prob, len(labels))}" data-label="{escape(str(label))}" '
            f'data-prob="{prob}"><title>{escape(str(label))} {prob:.2f}</title></circle>')
        return x, y

    place(tree)
    width, height = x_next - WORD_GAP + MARGIN, MARGIN + top * LEVEL + 30
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="tree" width="{width:.0f}" '
            f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" role="img">'
            f'<g class="edges" stroke="#999">{"".join(lines)}</g>{"".join(nodes)}'
            f'{"".join(words)}</svg>')
