import torch
from torch import nn

from data.batching import pad
from models.classifier import LinearRAEClassifier
from models.linear_rae import LinearRAE, LinearRAEConfig, reference_scan
from models.word_rae import WordRAE


def _model(d=3, h=4, seed=0) -> LinearRAE:
    """Float64, so batched and reference results can be compared tightly."""
    torch.manual_seed(seed)
    model = LinearRAE(LinearRAEConfig(input_dim=d, hidden=h)).double()
    for p in model.parameters():
        nn.init.normal_(p, std=0.5)
    return model


def test_state_error_compares_reconstruction_with_previous_state():
    model = _model()
    x = torch.randn(1, 3, 3, dtype=torch.float64)
    lengths = torch.tensor([3])
    states, _ = model.encode(x, lengths)
    h = [model.h0] + [states[0, t] for t in range(3)]  # h_0 .. h_3
    expected = sum(
        (x[0, i - 1] - model.decode_input(h[i])).pow(2).sum()
        + (h[i - 1] - model.decode_state(h[i])).pow(2).sum()  # ĥ_{i-1} against h_{i-1}
        for i in range(1, 4))
    wrong = sum(  # the off-by-one a careless version makes: ĥ against h_i itself
        (x[0, i - 1] - model.decode_input(h[i])).pow(2).sum()
        + (h[i] - model.decode_state(h[i])).pow(2).sum()
        for i in range(1, 4))
    error = model.reconstruction_error(x, states, lengths)
    assert torch.allclose(error, expected.reshape(1))
    assert not torch.allclose(error, wrong.reshape(1))


def test_padded_batch_matches_each_sentence_alone():
    model = _model()
    lengths = torch.tensor([5, 1, 3])
    x = torch.randn(3, 5, 3, dtype=torch.float64)
    x[1, 1:] = 7.0  # padding content must not matter
    x[2, 3:] = -3.0
    codes, errors = model(x, lengths)
    for b, n in enumerate(lengths.tolist()):
        code, error = reference_scan(model, x[b, :n])
        assert torch.allclose(codes[b], code)
        assert torch.allclose(errors[b], error)
        alone_code, alone_error = model(x[b : b + 1, :n], lengths[b : b + 1])
        assert torch.allclose(alone_code[0], code) and torch.allclose(alone_error[0], error)


def test_batched_gradients_match_reference():
    model = _model()
    lengths = torch.tensor([4, 2])
    x = torch.randn(2, 4, 3, dtype=torch.float64)
    model(x, lengths)[1].sum().backward()
    batched = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    sum(reference_scan(model, x[b, :n])[1] for b, n in enumerate(lengths.tolist())).backward()
    for got, want in zip(batched, [p.grad for p in model.parameters()], strict=True):
        assert torch.allclose(got, want)


def test_unroll_of_hand_set_model():
    # The input decoder reads the first two code units; the state decoder shifts the code up
    # by two units and adds 0.5 to every unit.
    model = LinearRAE(LinearRAEConfig(input_dim=2, hidden=6))
    with torch.no_grad():
        model.decode_input.weight.copy_(torch.eye(2, 6))
        model.decode_input.bias.zero_()
        shift = torch.zeros(6, 6)
        shift[torch.arange(4), torch.arange(2, 6)] = 1.0
        model.decode_state.weight.copy_(shift)
        model.decode_state.bias.fill_(0.5)
    code = torch.tensor([[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]])
    # By hand: x̂_3 = [1, 2]; ĥ_2 = [3.5, 4.5, 5.5, 6.5, 0.5, 0.5] gives x̂_2 = [3.5, 4.5];
    # ĥ_1 = [6, 7, 1, 1, 0.5, 0.5] gives x̂_1 = [6, 7]. Unroll returns them in sentence order.
    expected = torch.tensor([[[6.0, 7.0], [3.5, 4.5], [1.0, 2.0]]])
    assert torch.allclose(model.unroll(code, 3), expected)


def test_mean_states_head_reads_the_code_and_the_mean_of_every_prefix_code():
    torch.manual_seed(0)
    encoder = WordRAE(vocab_size=12, embedding_dim=3, hidden=4).double()
    model = LinearRAEClassifier(encoder, mean_states=True).double().eval()
    sentences = [[2, 3, 4, 5, 6], [7, 8], [9]]
    features, error = model.features(*pad(sentences))
    for b, sentence in enumerate(sentences):
        x = encoder.inputs(torch.tensor(sentence))
        prefix_codes = [reference_scan(encoder.rae, x[:i])[0] for i in range(1, len(x) + 1)]
        code, expected_error = reference_scan(encoder.rae, x)
        assert torch.allclose(features[b], torch.cat([code, torch.stack(prefix_codes).mean(0)]))
        assert torch.allclose(error[b], expected_error)
    plain = LinearRAEClassifier(encoder).double()
    assert plain.features(*pad(sentences))[0].shape == (3, 4)


def test_prediction_logits_skip_reconstruction_and_equal_the_forward_pass():
    torch.manual_seed(0)
    model = LinearRAEClassifier(WordRAE(12, 4, 6), mean_states=True, dropout=0.3).eval()
    ids, lengths = torch.tensor([[2, 3, 4], [5, 6, 0]]), torch.tensor([3, 2])
    assert torch.equal(model.logits(ids, lengths), model(ids, lengths)[0])
