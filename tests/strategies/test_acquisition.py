import numpy as np
import pytest

from weaknas.benchmarks import load_benchmark
from weaknas.strategies import WeakNAS
from weaknas.strategies.acquisition import (
    check_acquisition,
    expected_improvement,
    upper_confidence_bound,
)


@pytest.fixture(scope="module")
def bench():
    return load_benchmark("nb201-cifar10")


def test_expected_improvement_matches_monte_carlo_and_points_upwards():
    rng = np.random.default_rng(0)
    mean, std, best = np.array([0.2, 0.5, 0.8]), np.array([0.1, 0.3, 0.05]), 0.6
    draws = rng.normal(mean, std, size=(400_000, 3))
    monte_carlo = np.maximum(draws - best, 0).mean(axis=0)
    np.testing.assert_allclose(expected_improvement(mean, std, best), monte_carlo, atol=2e-3)
    # the reference code's sign bug rewarded low predictions: ours rises with the mean
    rising = expected_improvement(np.linspace(0, 1, 11), np.full(11, 0.1), 0.5)
    assert np.all(np.diff(rising) > 0)
    # no spread: the plain improvement
    np.testing.assert_allclose(expected_improvement(mean, np.zeros(3), best), [0, 0, 0.2])
    np.testing.assert_allclose(upper_confidence_bound(mean, std, kappa=2.0), mean + 2 * std)


def test_acquisitions_over_an_ensemble_need_an_ensemble():
    with pytest.raises(ValueError, match="n_models must be >= 2"):
        check_acquisition("ei", 1)
    with pytest.raises(ValueError, match="unknown acquisition"):
        check_acquisition("pi", 5)
    assert check_acquisition("greedy", 1) == "greedy"


def _run(strategy, bench, budget):
    proposed = []
    while len(proposed) < budget:
        batch = strategy.ask(budget - len(proposed))
        for s in batch:
            proposed.append(s.index)
            strategy.tell(s.index, float(bench.val_mean[s.index]))
    return proposed


@pytest.mark.parametrize("acquisition", ["greedy", "ei", "ucb", "ts"])
def test_acquisition_variants_search_well_and_are_reproducible(bench, acquisition):
    n_models = 1 if acquisition == "greedy" else 3

    def make(seed):
        return WeakNAS(
            bench.space, seed=seed, n_models=n_models, acquisition=acquisition, target="rank"
        )

    ranks = []
    for seed in range(3):
        strategy = make(seed)
        proposed = _run(strategy, bench, 150)
        assert len(set(proposed)) == 150
        assert strategy.n_fits == 14 * n_models  # one fit per model after the initial 10
        ranks.append(int((bench.val_mean > bench.val_mean[proposed].max()).sum()))
    assert _run(make(2), bench, 150) == proposed
    # random search's best of 150 is about the 100th best architecture
    assert np.median(ranks) < 10, ranks


def test_greedy_takes_the_best_predicted_unseen(bench):
    strategy = WeakNAS(bench.space, seed=1, acquisition="greedy", target="rank")
    _run(strategy, bench, 30)
    batch = strategy.ask()
    unseen = np.ones(bench.space.size, dtype=bool)
    unseen[strategy.observations()[0]] = False
    unseen[[s.index for s in batch]] = False
    best_left = strategy.latest_scores[unseen].max()
    assert min(s.predicted for s in batch) >= best_left


def test_explore_mixes_uniform_top_m_picks_into_greedy(bench):
    strategy = WeakNAS(bench.space, seed=1, acquisition="greedy", explore=0.3, top_m=100)
    _run(strategy, bench, 30)
    batch = strategy.ask()
    assert len(batch) == 10 and len({s.index for s in batch}) == 10
    scores = strategy.latest_scores.copy()
    scores[strategy.observations()[0]] = -np.inf
    order = np.argsort(-scores)
    greedy, explored = batch[:7], batch[7:]
    assert {s.index for s in greedy} <= set(order[:7].tolist())  # the 7 best predicted
    assert {s.index for s in explored} <= set(order[:107].tolist())  # from the top-M
    with pytest.raises(ValueError, match="explore and local mix uniform top-M"):
        WeakNAS(bench.space, acquisition="uniform", explore=0.3)
    with pytest.raises(ValueError, match="explore must be a share"):
        WeakNAS(bench.space, acquisition="greedy", explore=1.0)


def test_local_picks_are_unseen_neighbours_of_the_best_observed(bench):
    strategy = WeakNAS(bench.space, seed=2, acquisition="greedy", local=0.5)
    _run(strategy, bench, 30)
    indices, values = strategy.observations()
    batch = strategy.ask()
    best = indices[np.argsort(-values, kind="stable")[:10]]
    near = {n for b in best for n in bench.space.neighbours(int(b))}
    local = [s.index for s in batch[5:]]
    assert len(batch) == 10 and set(local) <= near and not set(local) & set(indices)
    with pytest.raises(ValueError, match="explore \\+ local < 1"):
        WeakNAS(bench.space, acquisition="greedy", explore=0.5, local=0.5)


class CountingLGBM:
    """The default predictor, recording how many rows each instance predicts."""

    rows: list[list[int]] = []
    instances: list = []

    def __init__(self, seed: int) -> None:
        from weaknas.predictors import make_predictor

        self.model = make_predictor("lgbm", seed)
        self.predicted: list[int] = []
        CountingLGBM.rows.append(self.predicted)
        CountingLGBM.instances.append(self)

    def fit(self, X, y):
        self.model.fit(X, y)
        return self

    def predict(self, X):
        self.predicted.append(len(X))
        self.latest = self.model.predict(X)
        return self.latest


def test_shortlist_ranks_the_space_once_and_picks_from_the_shortlist(bench):
    CountingLGBM.rows = []
    options = dict(acquisition="ts", n_models=4, explore=0.3, local=0.3, shortlist=200)
    strategy = WeakNAS(bench.space, seed=3, predictor=CountingLGBM, **options)
    _run(strategy, bench, 30)
    CountingLGBM.rows, CountingLGBM.instances = [], []
    batch = strategy.ask()
    lead, *others = CountingLGBM.rows
    assert sum(lead) == bench.space.size  # the first member ranks the whole space
    indices, values = strategy.observations()
    ranking = CountingLGBM.instances[0].latest
    unseen = np.setdiff1d(np.arange(bench.space.size), indices)
    cut = np.sort(ranking[unseen])[-200]  # the 200 best unseen (ties at the cut included)
    shortlist = set(unseen[ranking[unseen] >= cut].tolist())
    best = indices[np.argsort(-values, kind="stable")[:10]]
    near = {n for b in best for n in bench.space.neighbours(int(b))} - set(indices.tolist())
    for predicted in others:  # the others only the shortlist and the local candidates
        assert 200 <= sum(predicted) <= 200 + len(near)
    assert {s.index for s in batch} <= shortlist | near
    with pytest.raises(ValueError, match="shortlist and pool_grow cannot be combined"):
        WeakNAS(bench.space, acquisition="ts", n_models=4, shortlist=10, pool_grow=5)
    with pytest.raises(ValueError, match="shortlist must be a whole number"):
        WeakNAS(bench.space, acquisition="ts", n_models=4, shortlist=-1)


def test_stall_switches_greedy_to_uniform_top_m_until_the_best_improves(bench):
    strategy = WeakNAS(bench.space, seed=4, acquisition="greedy", stall=2, top_m=500)
    _run(strategy, bench, 20)  # 10 initial, one greedy batch
    best = max(strategy.observations()[1])

    def unseen_scores():
        scores = strategy.latest_scores.copy()
        scores[strategy._seen] = -np.inf  # evaluated, or proposed in the batch
        return scores

    for _ in range(2):  # two batches that never beat the best: the escape takes over
        for s in strategy.ask():
            strategy.tell(s.index, best - 1.0)
    assert strategy._stalled(strategy.observations()[1])
    batch = strategy.ask()
    predicted = np.array([s.predicted for s in batch])
    assert predicted.min() >= np.sort(unseen_scores())[-500]  # from the predicted top-M,
    assert predicted.min() < unseen_scores().max()  # not greedy's best 10
    for s in batch:  # a new best ends the escape: greedy again
        strategy.tell(s.index, best + 1.0)
    batch = strategy.ask()
    assert min(s.predicted for s in batch) >= unseen_scores().max()
    with pytest.raises(ValueError, match="uniform acquisition has nothing to switch"):
        WeakNAS(bench.space, acquisition="uniform", stall=3)
    with pytest.raises(ValueError, match="stall must be a whole number"):
        WeakNAS(bench.space, acquisition="greedy", stall=-1)


def test_unset_acquisition_means_the_default_picks():
    from weaknas.strategies.weaknas import DEFAULT_PICKS, resolve_picks

    assert resolve_picks(None, None, None) == ("greedy", 0.3, 5) == tuple(DEFAULT_PICKS.values())
    assert resolve_picks(None, 0.0, None) == ("greedy", 0.0, 5)  # a given share is kept
    # a chosen acquisition mixes in nothing it was not asked for
    assert resolve_picks("uniform", None, None) == ("uniform", 0.0, 0)
    assert resolve_picks("ts", None, 3) == ("ts", 0.0, 3)


class RecordingLGBM(CountingLGBM):
    """The default predictor, recording what each instance was fitted to."""

    fits: list = []

    def fit(self, X, y):
        RecordingLGBM.fits.append((np.array(X), np.array(y)))
        return super().fit(X, y)


def test_self_training_fits_again_on_its_own_predictions_of_unseen_architectures(bench):
    strategy = WeakNAS(bench.space, seed=5, predictor=RecordingLGBM, self_train=300)
    _run(strategy, bench, 30)
    RecordingLGBM.fits, CountingLGBM.instances = [], []
    batch = strategy.ask()
    (x_first, y_first), (x_second, y_second) = RecordingLGBM.fits
    indices, _ = strategy.observations()
    assert len(x_first) == len(indices) and len(x_second) == len(indices) + 300
    first, second = CountingLGBM.instances
    np.testing.assert_array_equal(x_second[: len(indices)], x_first)  # the observed, then
    np.testing.assert_array_equal(y_second[: len(indices)], y_first)  # 300 pseudo-labelled
    pseudo = first.model.predict(x_second[len(indices) :])
    np.testing.assert_allclose(y_second[len(indices) :], pseudo)
    # the second predictor ranks: its predictions are the strategy's scores
    np.testing.assert_array_equal(strategy.latest_scores, second.latest)
    assert len(batch) == 10 and not {s.index for s in batch} & set(indices.tolist())
    again = WeakNAS(bench.space, seed=5, self_train=300)
    _run(again, bench, 30)
    assert [s.index for s in again.ask()] == [s.index for s in batch]  # seeded
    with pytest.raises(ValueError, match="self_train fits one predictor"):
        WeakNAS(bench.space, acquisition="ts", n_models=4, self_train=10)
