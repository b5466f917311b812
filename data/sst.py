"""The Stanford Sentiment Treebank: PTB-bracketed trees with a sentiment label (0-4) on every
node, read with nltk and flattened to LabelledTrees of words (node numbering in data/trees.py).
"""

from __future__ import annotations

from nltk import Tree

from data.sources import DataUnavailable, data_dir, read_file, require_network
from data.tokenize import normalise
from data.trees import LabelledTree

SPLITS = ("train", "dev", "test")
SST_HUB_NAME = "stanfordnlp/sst"
HUB_SPLITS = {"train": "train", "dev": "validation", "test": "test"}
# PTB escapes, written back as the characters the rest of the project sees.
PTB_ESCAPES = {"-lrb-": "(", "-rrb-": ")", "-lsb-": "[", "-rsb-": "]", "-lcb-": "{",
               "-rcb-": "}"}


def _word(parts: list[str]) -> str:
    # A word holding a no-break space ("8\xa01\/2") reaches nltk as two strings.
    word = normalise(" ".join(parts)).replace("\\/", "/").replace("\\*", "*")
    return PTB_ESCAPES.get(word, word)


def parse_tree(bracketed: str) -> LabelledTree[str]:
    """One PTB line -> its tree of words. Nodes with more than two children are binarised to the
    right (each new node takes its parent's label); unary chains keep the top label."""
    tree = Tree.fromstring(bracketed)
    tokens, leaf_labels, internal = [], [], []  # internal: (label, left, right), post-order

    def visit(node) -> tuple[str, int]:
        """-> ("leaf", word index) or ("node", internal index) of node's subtree."""
        label = int(node.label())
        if not 0 <= label <= 4:
            raise ValueError(f"sentiment label {label} is not in 0-4")
        if not any(isinstance(child, Tree) for child in node):
            tokens.append(_word(list(node)))
            leaf_labels.append(label)
            return "leaf", len(tokens) - 1
        if len(node) == 1:
            return visit(node[0])
        parts = [visit(child) for child in node]
        while len(parts) > 1:
            right = parts.pop()
            left = parts.pop()
            internal.append((label, left, right))
            parts.append(("node", len(internal) - 1))
        return parts[0]

    visit(tree)
    if not all(tokens):
        raise ValueError("a tree holds an empty word")
    n = len(tokens)

    def number(ref: tuple[str, int]) -> int:
        kind, index = ref
        return index if kind == "leaf" else n + index

    return LabelledTree(leaves=tokens,
                        children=[(number(left), number(right)) for _, left, right in internal],
                        node_labels=leaf_labels + [label for label, _, _ in internal])


def _lines_from_folder(folder) -> dict[str, list[str]]:
    lines = {}
    for split in SPLITS:
        path = folder / f"{split}.txt"
        if not path.exists():  # a folder there is named by read_file
            raise DataUnavailable(f"{path} is missing; RAE_DATA_DIR/sst must hold "
                                  f"{', '.join(s + '.txt' for s in SPLITS)}")
        try:
            text = read_file(path).decode("utf-8")
        except UnicodeDecodeError as err:
            raise DataUnavailable(f"{path} is not UTF-8 ({err.reason} at byte {err.start})"
                                  ) from None
        lines[split] = [line for line in text.split("\n") if line.strip()]
    return lines


def _lines_from_hub() -> dict[str, list[str]]:
    require_network("huggingface.co", "SST")
    import datasets

    loaded = datasets.load_dataset(SST_HUB_NAME, "ptb")
    return {split: list(loaded[name]["ptb_tree"]) for split, name in HUB_SPLITS.items()}


def load_sst() -> tuple[dict[str, list[LabelledTree[str]]], str]:
    """-> ({split: trees}, where they came from): RAE_DATA_DIR/sst, else the hub."""
    root = data_dir()
    lines = _lines_from_folder(root / "sst") if root else _lines_from_hub()
    source = str(root / "sst") if root else f"huggingface:{SST_HUB_NAME}"
    trees = {}
    for split, split_lines in lines.items():
        trees[split] = []
        for number, line in enumerate(split_lines, 1):
            try:
                trees[split].append(parse_tree(line))
            except ValueError as err:  # nltk's bracket errors, or a label that is not 0-4
                raise DataUnavailable(f"{source} {split} line {number} is not a labelled PTB "
                                      f"tree ({str(err).splitlines()[0]})") from None
        if not trees[split]:
            raise DataUnavailable(f"{source}: the {split} split holds no trees")
    return trees, source
