"""SST lines become the trees the files describe."""

from data.sst import parse_tree


def test_parse_tree_numbers_leaves_then_post_order():
    tree = parse_tree("(1 (2 Not) (3 (3 very) (4 GOOD)))")
    assert tree.leaves == ["not", "very", "good"]
    assert tree.children == [(1, 2), (0, 3)]
    assert tree.node_labels == [2, 3, 4, 3, 1]
    wide = parse_tree("(3 (2 a) (2 b) (4 c))")  # three children: binarised to the right
    assert wide.children == [(1, 2), (0, 3)] and wide.node_labels == [2, 2, 4, 3, 3]
    assert parse_tree("(2 (2 -LRB-) (2 8\u00a01\\/2))").leaves == ["(", "8 1/2"]
