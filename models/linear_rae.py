"""The linear (left-to-right) recursive autoencoder.

Over inputs x_1..x_n with a learned h_0:

    h_i       = tanh(W1 x_i + W2 h_{i-1} + b)
    x̂_i       = W-1 h_i + b_x          (reconstructs the input of step i)
    ĥ_{i-1}   = W-2 h_i + b_h          (reconstructs the *previous* state, not h_i)
    error     = Σ_i ||x_i − x̂_i||² + ||h_{i−1} − ĥ_{i−1}||²

`encode` and `reconstruction_error` run a padded batch at once;
`reference_scan` is the same thing written straight from the equations for one sentence, kept
so that tests can check the batched code against it.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass
class LinearRAEConfig:
    input_dim: int  # size of each x_i
    hidden: int  # size of each h_i, the code


class LinearRAE(nn.Module):
    def __init__(self, config: LinearRAEConfig):
        super().__init__()
        d, h = config.input_dim, config.hidden
        self.config = config
        # W1 = weight_ih_l0, W2 = weight_hh_l0, b = bias_ih_l0 + bias_hh_l0. nn.RNN runs the
        # recurrence in fused native code (cuDNN on GPUs), well ahead of a Python loop.
        self.encoder = nn.RNN(d, h, nonlinearity="tanh", batch_first=True)
        self.decode_input = nn.Linear(h, d)  # W-1, b_x
        self.decode_state = nn.Linear(h, h)  # W-2, b_h
        self.h0 = nn.Parameter(0.1 * torch.randn(h))  # learned start state

    def encode(self, x: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x (B, T, d), lengths (B,) -> states h_1..h_T (B, T, h) and codes h_n (B, h).
        States past a sentence's end see padding: they are never used (the error masks them,
        the code is read at step n), and the recurrence never lets them reach earlier steps."""
        batch = x.shape[0]
        states, _ = self.encoder(x, self.h0.expand(1, batch, -1).contiguous())
        codes = states[torch.arange(batch, device=x.device), lengths - 1]
        return states, codes

    def reconstruction_error(self, x: torch.Tensor, states: torch.Tensor, lengths: torch.Tensor
                             ) -> torch.Tensor:
        """Per-sentence error (B,) of a batch encoded by `encode`; padded steps count zero."""
        batch, steps, _ = x.shape
        previous = torch.cat([self.h0.expand(batch, 1, -1), states[:, :-1]], dim=1)  # h_{i-1}
        input_error = (x - self.decode_input(states)).pow(2).sum(-1)  # (B, T)
        state_error = (previous - self.decode_state(states)).pow(2).sum(-1)  # (B, T)
        mask = torch.arange(steps, device=x.device)[None, :] < lengths[:, None]
        return ((input_error + state_error) * mask).sum(1)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """-> (codes (B, h), per-sentence reconstruction error (B,))."""
        states, codes = self.encode(x, lengths)
        return codes, self.reconstruction_error(x, states, lengths)

    def unroll(self, code: torch.Tensor, n: int) -> torch.Tensor:
        """Decode codes (B, h) back into n inputs (B, n, d), in sentence order: from h_n the
        input decoder gives x̂_n and the state decoder ĥ_{n-1}, and so on down to x̂_1."""
        outputs = []
        state = code
        for _ in range(n):
            outputs.append(self.decode_input(state))
            state = self.decode_state(state)
        return torch.stack(outputs[::-1], dim=1)


def reference_scan(model: LinearRAE, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """One sentence x (n, d), one step at a time -> (code h_n, error). The original scan."""
    rnn = model.encoder
    W1, W2, b = rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0 + rnn.bias_hh_l0
    Wx, bx = model.decode_input.weight, model.decode_input.bias
    Wh, bh = model.decode_state.weight, model.decode_state.bias
    h_prev = model.h0
    error = x.new_zeros(())
    for x_i in x:
        h_i = torch.tanh(W1 @ x_i + W2 @ h_prev + b)
        error = error + (x_i - (Wx @ h_i + bx)).pow(2).sum()
        error = error + (h_prev - (Wh @ h_i + bh)).pow(2).sum()  # ĥ_{i-1} against h_{i-1}
        h_prev = h_i
    return h_prev, error
