"""Multi-layer perceptron in PyTorch (optional extra ``weaknas[torch]``).

The paper's predictor is a 4x1000 ReLU MLP trained 100 epochs with Adam on
standardised labels (scikit-learn's ``MLPRegressor`` defaults: batch 200, lr 1e-3,
L2 1e-4); ``MLPPredictor.paper()`` builds that configuration.
"""

from __future__ import annotations

import numpy as np

from weaknas.predictors.base import StandardizedTarget, WeakPredictor


def _torch():
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError("the MLP predictor needs PyTorch: pip install 'weaknas[torch]'") from exc
    return torch


class MLPPredictor(WeakPredictor):
    """ReLU MLP regressor trained with Adam on mini-batches."""

    def __init__(
        self,
        hidden_layer_sizes: tuple[int, ...] = (128, 128),
        epochs: int = 100,
        batch_size: int = 200,
        learning_rate: float = 1e-3,
        weight_decay: float = 1e-4,
        random_state: int = 0,
        predict_batch_size: int = 16384,
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.random_state = random_state
        self.predict_batch_size = predict_batch_size

    @classmethod
    def paper(cls, random_state: int = 0) -> MLPPredictor:
        """The configuration of the WeakNAS paper: 4 hidden layers of 1000, 100 epochs."""
        return cls(
            hidden_layer_sizes=(1000, 1000, 1000, 1000), epochs=100, random_state=random_state
        )

    def _build(self, n_features: int):
        torch = _torch()
        layers: list = []
        width = n_features
        for hidden in self.hidden_layer_sizes:
            layers += [torch.nn.Linear(width, hidden), torch.nn.ReLU()]
            width = hidden
        layers.append(torch.nn.Linear(width, 1))
        return torch.nn.Sequential(*layers)

    def fit(self, X, y) -> MLPPredictor:
        torch = _torch()
        X, y = self._check_fit_input(X, y)
        self.target_ = StandardizedTarget(y)
        rng = np.random.default_rng(self.random_state)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(int(self.random_state))
            model = self._build(X.shape[1])
        features = torch.from_numpy(X)
        labels = torch.from_numpy(self.target_.forward(y).astype(np.float32))
        optimizer = torch.optim.Adam(
            model.parameters(), lr=self.learning_rate, weight_decay=self.weight_decay
        )
        batch = min(self.batch_size, len(y))
        model.train()
        for _ in range(self.epochs):
            order = torch.from_numpy(rng.permutation(len(y)))
            for start in range(0, len(y), batch):
                rows = order[start : start + batch]
                optimizer.zero_grad(set_to_none=True)
                loss = torch.nn.functional.mse_loss(model(features[rows]).squeeze(1), labels[rows])
                loss.backward()
                optimizer.step()
        model.eval()
        self.model_ = model
        return self

    def predict(self, X) -> np.ndarray:
        torch = _torch()
        X = np.asarray(X)  # converted chunk by chunk: whole-space float32 copies are large
        out = np.empty(len(X), dtype=np.float64)
        with torch.inference_mode():
            for start in range(0, len(X), self.predict_batch_size):
                rows = X[start : start + self.predict_batch_size]
                chunk = torch.from_numpy(np.array(rows, dtype=np.float32, order="C"))
                out[start : start + len(chunk)] = self.model_(chunk).squeeze(1).numpy()
        return self.target_.inverse(out)
