import numpy as np
import pytest

from weaknas.benchmarks import load_benchmark
from weaknas.runner import SearchConfig, run_search
from weaknas.spaces import NB201Space
from weaknas.strategies import LocalSearch, RegularizedEvolution


@pytest.fixture(scope="module")
def bench():
    return load_benchmark("nb201-cifar10")


def _run(strategy, bench, budget):
    """Drive a strategy sequentially with mean validation values; return proposals."""
    proposed = []
    while len(proposed) < budget:
        batch = strategy.ask(budget - len(proposed))
        assert batch, "a strategy must not run dry before the space does"
        for s in batch:
            proposed.append(s.index)
            strategy.tell(s.index, float(bench.val_mean[s.index]))
    return proposed


def test_nb201_neighbours_differ_in_one_edge():
    space = NB201Space()
    neighbours = space.neighbours(1234)
    assert len(set(neighbours)) == 24 and 1234 not in neighbours
    for n in neighbours:
        assert (
            sum(a != b for a, b in zip(space.op_codes(1234), space.op_codes(n), strict=True)) == 1
        )
    rng = np.random.default_rng(0)
    assert space.mutate(1234, rng) in neighbours


def test_nb101_neighbours_are_valid_single_edits(nb101):
    space = nb101.space
    neighbours = space.neighbours(4789)
    assert neighbours and 4789 not in neighbours and len(set(neighbours)) == len(neighbours)
    cell = space.cell(4789)
    from weaknas.spaces.nb101_cell import CONV3X3, Cell

    ops = list(cell.ops)
    ops[1] = CONV3X3  # one op change: conv1x1 -> conv3x3
    assert space.index_of_cell(Cell(cell.matrix, tuple(ops))) in neighbours
    dropped = cell.matrix.copy()
    dropped[0, 6] = 0  # one edge flip: drop the input -> output edge
    assert space.index_of_cell(Cell(dropped, cell.ops)) in neighbours


def test_evolution_mutates_the_tournament_winner(bench):
    strategy = RegularizedEvolution(bench.space, seed=0, n_init=30, sample_size=10)
    proposed = _run(strategy, bench, 30)
    assert len(strategy.population) == 30
    for _ in range(50):
        members = {i for i, _ in strategy.population}
        [child] = strategy.ask()
        parents = [m for m in members if child.index in bench.space.neighbours(m)]
        assert parents, "every child is one edit from a population member"
        strategy.tell(child.index, float(bench.val_mean[child.index]))
        proposed.append(child.index)
    assert len(set(proposed)) == len(proposed) == 80
    assert len(strategy.population) == 30  # the oldest members aged out


def test_local_search_climbs_to_better_neighbours(bench):
    strategy = LocalSearch(bench.space, seed=0, n_init=10)
    _run(strategy, bench, 10)
    first = strategy.ask()
    start = strategy.current
    best_initial = max(strategy.observations()[1])
    assert start[1] == best_initial
    assert {s.index for s in first} == set(bench.space.neighbours(start[0]))
    proposed = [s.index for s in first]
    for s in first:
        strategy.tell(s.index, float(bench.val_mean[s.index]))
    proposed += _run(strategy, bench, 300)
    assert len(set(proposed)) == len(proposed)
    assert strategy.current[1] >= start[1] or strategy.restarts > 0


@pytest.mark.parametrize("name", ["evolution", "local-search", "single-predictor", "bananas"])
def test_baselines_beat_random_search_on_nb201(bench, name):
    def best_at(strategy, seed):
        summary = run_search(bench, SearchConfig(strategy=strategy, budget=200), seed).summary
        return summary["best_val_mean"]

    seeds = range(8)
    baseline = np.mean([best_at(name, s) for s in seeds])
    random = np.mean([best_at("random", s) for s in seeds])
    assert baseline > random


def test_single_predictor_fits_once_then_follows_its_ranking(bench):
    from weaknas.strategies import SinglePredictor

    strategy = SinglePredictor(bench.space, seed=0, n_init=50, batch_size=10)
    proposed = _run(strategy, bench, 50)
    picks = []
    for _ in range(5):
        batch = strategy.ask()
        picks += batch
        for s in batch:
            strategy.tell(s.index, float(bench.val_mean[s.index]))
    predicted = [s.predicted for s in picks]
    assert predicted == sorted(predicted, reverse=True)  # best predicted first, one fit
    unseen_scores = np.delete(strategy._scores, proposed + [s.index for s in picks])
    assert predicted[-1] >= unseen_scores.max()
    assert len(set(proposed) | {s.index for s in picks}) == 100


def test_bananas_like_scores_unseen_mutations_of_the_best_in_order_of_value(bench, monkeypatch):
    """BANANAS's candidates (naszilla's get_candidates): mutations of the best evaluated
    architecture, then of the next best while repeats leave fewer than n_candidates."""
    from weaknas.strategies import BananasLike
    from weaknas.strategies.bananas import PATIENCE_FACTOR

    strategy = BananasLike(bench.space, seed=0, n_init=20, batch_size=5, n_candidates=60)
    proposed = _run(strategy, bench, 20)
    indices, values = strategy.observations()
    by_value = indices[np.argsort(-values, kind="stable")].tolist()
    mutated: list[int] = []
    children: list[int] = []
    mutate = bench.space.mutate_at_rate

    def spy(index, rng, rate=1.0):
        mutated.append(index)
        children.append(mutate(index, rng, rate))
        return children[-1]

    monkeypatch.setattr(bench.space, "mutate_at_rate", spy)
    candidates = strategy._candidates(indices, values, 5)
    assert mutated[:60] == [by_value[0]] * 60  # 60 mutations of the best first
    parents = list(dict.fromkeys(mutated))
    assert parents == by_value[: len(parents)] and len(parents) <= PATIENCE_FACTOR
    assert len(candidates) == len(set(candidates.tolist())) >= 60
    assert set(candidates.tolist()) == {c for c in children if c not in proposed}
    batch = strategy.ask()
    assert len(batch) == 5 and {s.index for s in batch} <= set(children) - set(proposed)
    assert all(np.isfinite(s.predicted) for s in batch)


def test_bananas_like_raises_the_mutation_rate_before_picking_at_random(bench, monkeypatch):
    """Where the parents' mutations at rate 1 are all evaluated (NB101 late in a run), it
    mutates them at rate 2, 3, ... and only then picks at random."""
    from weaknas.strategies import BananasLike
    from weaknas.strategies.bananas import MAX_MUTATION_RATE

    strategy = BananasLike(bench.space, seed=0, n_init=20, batch_size=5)
    proposed = _run(strategy, bench, 20)
    indices, values = strategy.observations()
    mutate = bench.space.mutate_at_rate
    rates: list[float] = []

    def spy(index, rng, rate=1.0):
        rates.append(rate)
        return proposed[0] if rate < 3 else mutate(index, rng, rate)  # only rate 3 is new

    monkeypatch.setattr(bench.space, "mutate_at_rate", spy)
    assert len(strategy._candidates(indices, values, 5)) >= 5
    assert sorted(set(rates)) == [1.0, 2.0, 3.0]
    monkeypatch.setattr(bench.space, "mutate_at_rate", lambda index, rng, rate=1.0: proposed[0])
    assert len(strategy._candidates(indices, values, 5)) == 0
    batch = strategy.ask()
    assert len(batch) == 5 and strategy.random_picks == 5 and MAX_MUTATION_RATE == 4


def test_bananas_like_never_runs_out_of_candidates_on_nb201(bench):
    """Its former candidates (unseen one-edit neighbours of the 10 best) ran out on NB201,
    leaving random picks for hundreds of queries; mutations of several edits do not."""
    from weaknas.strategies import BananasLike

    strategy = BananasLike(bench.space, seed=3, n_init=10)
    _run(strategy, bench, 600)
    assert strategy.random_picks == 0
    assert strategy.encoding == "path"  # BANANAS's encoding, where the space has one
    assert BananasLike(bench.space, seed=3, encoding="graf").encoding == "graf"
