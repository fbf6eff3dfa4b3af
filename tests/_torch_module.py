"""A torch module for the tests, importable by name (the store names it so).

Imported only by tests that have torch; skipped as a doctest module without it.
"""

import pytest

torch = pytest.importorskip("torch")


class DigitsMLP(torch.nn.Module):
    """64 -> hidden -> 10, ReLU and dropout: the 8x8 digits' MLP."""

    def __init__(self, hidden=64, dropout=0.2):
        super().__init__()
        self.layers = torch.nn.Sequential(
            torch.nn.Linear(64, hidden),
            torch.nn.ReLU(),
            torch.nn.Dropout(dropout),
            torch.nn.Linear(hidden, 10),
        )

    def forward(self, X):
        return self.layers(X)
