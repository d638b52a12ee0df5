"""What a GIN predictor would cost inside a 1,000-query NB201 run (issue 30, item 3: a graph
predictor in PyTorch only if such a run stays within 3 s, the whole process).

Measures, on one CPU thread: the interpreter's start with ``import torch`` against
``import lightgbm`` (the default predictor's library) and against nothing; then one small
GIN (Xu et al., ICLR 2019; 3 layers of 32, mean readout, as the graph predictors of
NAS papers are built) on NB201 cells as op graphs (8 nodes: the input, one node per edge
op, the output), fitted with Adam for 100 epochs (mini-batches of 128) on 10 to 990 cells
and scoring all 15,625 cells. A WeakNAS run fits 99 times (10 initial cells, 10 a step)
and ranks the space after each fit; the projection sums the measured fit times
(interpolated between the sizes measured) and 99 rankings. Nothing here decides the
predictor's accuracy: the cost alone rules it in or out.

    python benchmarks/gin_cost.py
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from cold_start import interleaved_medians  # benchmarks/cold_start.py

from weaknas.spaces.nb201 import EDGES, OPS, NB201Space

EPOCHS = 100
BATCH = 128
HIDDEN = 32
LAYERS = 3
FIT_SIZES = (10, 100, 250, 500, 750, 990)


def op_graphs(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Adjacency (8 x 8, row: receiver) and node types (input 0, output 1, ops 2..6) of
    every cell: edge op (i <- j) reads the input or the ops that end in node j; the
    output reads the ops that end in node 3."""
    n_edges = len(EDGES)
    adjacency = np.zeros((n_edges + 2, n_edges + 2), dtype=np.float32)
    for k, (to, source) in enumerate(EDGES):
        if source == 0:
            adjacency[k + 1, 0] = 1
        for m, (to_m, _) in enumerate(EDGES):
            if to_m == source:
                adjacency[k + 1, m + 1] = 1
        if to == 3:
            adjacency[n_edges + 1, k + 1] = 1
    types = np.zeros((len(codes), n_edges + 2), dtype=np.int64)
    types[:, n_edges + 1] = 1
    types[:, 1 : n_edges + 1] = codes + 2
    return adjacency, types


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    import torch

    torch.set_num_threads(1)
    torch.manual_seed(0)

    starts = interleaved_medians(
        {"bare": "pass", "torch": "import torch", "lightgbm": "import lightgbm"}, args.repeats
    )
    with_torch = starts["torch"]
    print(
        f"interpreter start, medians of {args.repeats} interleaved: bare {starts['bare']:.2f} s, "
        f"import torch {with_torch:.2f} s, import lightgbm {starts['lightgbm']:.2f} s"
    )

    space = NB201Space()
    adjacency, types = op_graphs(space.all_op_codes())
    features = torch.nn.functional.one_hot(torch.from_numpy(types), 2 + len(OPS)).float()
    adjacency_t = torch.from_numpy(adjacency)

    class GIN(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            sizes = [features.shape[-1]] + [HIDDEN] * LAYERS
            self.layers = torch.nn.ModuleList(
                torch.nn.Sequential(
                    torch.nn.Linear(a, b), torch.nn.ReLU(), torch.nn.Linear(b, b), torch.nn.ReLU()
                )
                for a, b in zip(sizes[:-1], sizes[1:], strict=True)
            )
            self.head = torch.nn.Linear(HIDDEN, 1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            for layer in self.layers:
                x = layer(x + adjacency_t @ x)  # (1 + eps) h + sum of neighbours, eps = 0
            return self.head(x.mean(dim=1)).squeeze(-1)

    rng = np.random.default_rng(0)
    targets = torch.from_numpy(rng.random(space.size).astype(np.float32))
    fit_seconds = {}
    score_seconds = []
    for n in FIT_SIZES:
        rows = torch.from_numpy(rng.choice(space.size, n, replace=False))
        model = GIN()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        started = time.perf_counter()
        for _ in range(EPOCHS):
            for batch in torch.randperm(n).split(BATCH):
                optimizer.zero_grad()
                loss = torch.nn.functional.mse_loss(
                    model(features[rows[batch]]), targets[rows[batch]]
                )
                loss.backward()
                optimizer.step()
        fit_seconds[n] = time.perf_counter() - started
        started = time.perf_counter()
        with torch.no_grad():
            model(features)
        score_seconds.append(time.perf_counter() - started)
        print(
            f"fit on {n} cells {fit_seconds[n]:.3f} s, score 15,625 cells {score_seconds[-1]:.3f} s"
        )

    sizes = np.arange(10, 1000, 10)  # 99 fits of a 1,000-query run
    fits = np.interp(sizes, list(fit_seconds), list(fit_seconds.values())).sum()
    scoring = len(sizes) * statistics.median(score_seconds)
    print(
        f"projected 1,000-query run: {fits:.1f} s fitting + {scoring:.1f} s ranking "
        f"= {fits + scoring:.1f} s, plus {with_torch:.2f} s to start with torch "
        f"(the aim: 3 s, the whole process)"
    )


if __name__ == "__main__":
    main()
