import pytest
import torch

from data.batching import pad
from data.line_sets import load_mr
from data.tokenize import tokenize
from data.vocab import Vocabulary
from models.binary_tree_rae import TreeRAEConfig
from models.greedy_rae import GreedyRAE, merge_children, reference_tree
from training.greedy import node_loss, reference_node_loss


def _model(vocab_size: int, dim: int = 8) -> GreedyRAE:
    torch.manual_seed(0)
    return GreedyRAE(TreeRAEConfig(vocab_size=vocab_size, dim=dim)).double()


@pytest.mark.slow
def test_batched_trees_equal_the_reference_on_real_sentences(data_slice, monkeypatch):
    monkeypatch.setenv("RAE_DATA_DIR", str(data_slice))
    tokens = [tokenize(t) for t in load_mr().texts[::7][:40]]
    vocab = Vocabulary.build(tokens, min_count=1)
    sentences = [vocab.encode(t) for t in tokens] + [vocab.encode(["good"])]  # one word too
    assert len({len(s) for s in sentences}) > 10  # mixed lengths
    model = _model(len(vocab))
    # training composes the nodes again, with gradients; prediction keeps the search's
    for trees in (model(*pad(sentences)), model.infer(*pad(sentences))):
        for b, sentence in enumerate(sentences):
            merges, error, parents = reference_tree(model, sentence)
            n = len(sentence)
            assert trees.merges[b, : n - 1].tolist() == merges
            assert not trees.active[b, n - 1 :].any()
            assert torch.allclose(trees.reconstruction[b].sum(), error, atol=1e-5)
            if parents:
                assert torch.allclose(trees.parents[b, : n - 1], torch.stack(parents), atol=1e-5)
                assert torch.allclose(trees.top[b], parents[-1], atol=1e-5)


def test_two_word_sentence_by_hand():
    model = _model(vocab_size=4, dim=3)
    trees = model(torch.tensor([[2, 3]]), torch.tensor([2]))
    leaves = torch.nn.functional.normalize(model.embeddings.weight[[2, 3]], dim=-1)
    parent = torch.tanh(model.compose.weight @ leaves.flatten() + model.compose.bias)
    parent = parent / parent.norm()
    rebuilt = model.reconstruct.weight @ parent + model.reconstruct.bias
    expected = 0.5 * (leaves.flatten()[:3] - rebuilt[:3]).pow(2).sum() \
        + 0.5 * (leaves.flatten()[3:] - rebuilt[3:]).pow(2).sum()
    assert torch.allclose(trees.top[0], parent)
    assert torch.allclose(trees.reconstruction[0, 0], expected)
    assert torch.allclose(trees.mean[0], (leaves.sum(0) + parent) / 3)


def test_node_loss_ignores_padding_merges_and_gradients_reach_the_words():
    model = _model(vocab_size=10)
    ids, lengths = pad([[2, 3, 4, 5], [6, 7]])
    trees = model(ids, lengths)
    loss = node_loss(model, trees, torch.tensor([1, 0]), alpha=0.2)
    assert trees.active.tolist() == [[True, True, True], [True, False, False]]
    loss.backward()
    assert model.embeddings.weight.grad[[2, 7]].abs().sum() > 0
    assert model.embeddings.weight.grad[[0, 1, 8, 9]].abs().sum() == 0


@pytest.mark.parametrize("normalise_leaves, word_weight", [(True, 0.0), (False, 2.0)])
def test_batched_node_loss_equals_the_reference(normalise_leaves, word_weight):
    model = _model(vocab_size=12)
    model.config.normalise_leaves = normalise_leaves
    sentences = [[2, 3, 4, 5, 6], [7, 8], [9, 10, 11]]
    labels = torch.tensor([1, 0, 1])
    trees = model(*pad(sentences))
    batched = node_loss(model, trees, labels, alpha=0.3, word_weight=word_weight)
    merges = sum(len(s) - 1 for s in sentences)
    # node_loss averages over all merges of the batch; the reference over one sentence's.
    expected = sum(reference_node_loss(model, s, int(y), 0.3, word_weight) * (len(s) - 1)
                   for s, y in zip(sentences, labels, strict=True)) / merges
    assert torch.allclose(batched, expected)
    # The level-by-level composition carries the same gradients as the recursive reference.
    batched_grads = torch.autograd.grad(batched, list(model.parameters()))
    expected_grads = torch.autograd.grad(expected, list(model.parameters()))
    for got, want in zip(batched_grads, expected_grads, strict=True):
        assert torch.allclose(got, want)
    for b, sentence in enumerate(sentences):  # raw leaves build the reference's trees too
        assert trees.merges[b, : len(sentence) - 1].tolist() == reference_tree(model, sentence)[0]


def test_one_sentence_tree_children_replay_the_reference_merges():
    torch.manual_seed(3)
    model = GreedyRAE(TreeRAEConfig(vocab_size=20, dim=5))
    for ids in ([4], [4, 7], [2, 9, 3, 3, 11, 5, 8]):
        merges, _, _ = reference_tree(model, ids)
        assert model.sentence_tree(ids)[0] == merge_children(len(ids), merges)
    assert merge_children(3, [1, 0]) == [(1, 2), (0, 3)]


def test_rescoring_only_beside_each_merge_builds_the_trees_of_rescoring_every_pair():
    generator = torch.Generator().manual_seed(1)
    lengths = torch.randint(1, 25, (64,), generator=generator)
    ids = torch.randint(2, 50, (64, int(lengths.max())), generator=generator)
    ids[torch.arange(ids.shape[1])[None, :] >= lengths[:, None]] = 0
    model = _model(vocab_size=50, dim=6)
    fast, plain = model(ids, lengths), model(ids, lengths, rescore_all=True)
    assert torch.equal(fast.merges, plain.merges) and torch.equal(fast.active, plain.active)
    assert torch.allclose(fast.parents, plain.parents) and torch.allclose(fast.mean, plain.mean)
    for b in (0, 5, 17):
        merges, _, _ = reference_tree(model, ids[b, : lengths[b]].tolist())
        assert fast.merges[b, : lengths[b] - 1].tolist() == merges
