"""The multi-objective picks: predicted hypervolume improvement and Pareto order."""

import numpy as np

from weaknas.pareto import hypervolume, pareto_ranks
from weaknas.strategies.pareto_picks import improvement_2d, improvement_order, pareto_order


def test_improvement_is_the_hypervolume_a_point_adds():
    rng = np.random.default_rng(1)
    reference = np.array([0.9, 0.8])
    for _ in range(50):
        front = rng.random((int(rng.integers(0, 8)), 2))
        points = rng.random((6, 2))
        gained = improvement_2d(points, front, reference)
        before = hypervolume(front, reference)
        expected = [hypervolume(np.vstack([front, p]), reference) - before for p in points]
        np.testing.assert_allclose(gained, expected, atol=1e-12)


def test_improvement_order_picks_greedily_believing_each_pick():
    rng = np.random.default_rng(2)
    reference = np.array([1.0, 1.0])
    observed = rng.random((5, 2))
    candidates = rng.random((40, 2))
    order = improvement_order(observed, candidates, reference, 3, rng)
    assert sorted(order.tolist()) == list(range(40))  # every candidate, once
    front, taken = observed, []
    for position in order[:3]:
        gains = improvement_2d(candidates, front, reference)
        gains[taken] = -1.0
        assert gains[position] == gains.max() > 0
        taken.append(position)
        front = np.vstack([front, candidates[position]])


def test_pareto_order_puts_lower_fronts_first():
    rng = np.random.default_rng(3)
    observed = rng.random((10, 3))
    candidates = rng.random((200, 3))
    order = pareto_order(observed, candidates, rng)
    ranks = pareto_ranks(np.vstack([observed, candidates]))[10:]
    assert np.all(np.diff(ranks[order]) >= 0)
    assert sorted(order.tolist()) == list(range(200))
