import numpy as np
import pytest

from weaknas.benchmarks import load_benchmark
from weaknas.spaces import NB201Space
from weaknas.strategies import RandomSearch, TopMSchedule, WeakNAS


@pytest.fixture(scope="module")
def bench():
    return load_benchmark("nb201-cifar10")


def _drive(strategy, bench, budget):
    proposed = []
    while len(proposed) < budget:
        batch = strategy.ask(budget - len(proposed))
        if not batch:
            break
        for s in batch:
            proposed.append(s.index)
            strategy.tell(s.index, float(bench.val_mean[s.index]))
    return proposed


def test_random_search_never_repeats_and_exhausts_the_space():
    space = NB201Space()
    strategy = RandomSearch(space, seed=0, batch_size=1000)
    proposed = _drive(strategy, load_benchmark("nb201-cifar10"), 20000)
    assert sorted(proposed) == list(range(space.size))
    assert strategy.ask() == []


def test_weaknas_batches_and_never_proposes_twice(bench):
    strategy = WeakNAS(bench.space, seed=0, n_init=10, batch_size=10, top_m=100)
    first = strategy.ask()
    assert len(first) == 10 and all(np.isnan(s.predicted) for s in first)
    for s in first:
        strategy.tell(s.index, float(bench.val_mean[s.index]))
    proposed = [s.index for s in first] + _drive(strategy, bench, 190)
    assert len(proposed) == len(set(proposed)) == 200
    assert strategy.n_fits == 19


class _Recording:
    """Wraps a predictor and keeps its last predictions (over the whole space)."""

    def __init__(self, seed):
        from weaknas.predictors import make_predictor

        self.inner = make_predictor("lgbm", seed)

    def fit(self, X, y):
        self.inner.fit(X, y)
        return self

    def predict(self, X):
        _Recording.last = self.inner.predict(X)
        return _Recording.last


def test_weaknas_samples_from_the_predicted_top_m(bench):
    strategy = WeakNAS(bench.space, seed=1, top_m=20, predictor=_Recording)
    _drive(strategy, bench, 100)
    unseen = strategy.unseen_indices()
    batch = strategy.ask()
    assert len(_Recording.last) == bench.space.size
    scores = _Recording.last[unseen]  # only unevaluated cells compete for the top-M
    threshold = np.sort(scores)[-20]
    for s in batch:
        assert s.index in unseen
        assert _Recording.last[s.index] == s.predicted >= threshold


def test_pending_architectures_are_not_proposed_again(bench):
    strategy = WeakNAS(bench.space, seed=0, n_init=4, batch_size=3)
    a = strategy.ask()
    b = strategy.ask()  # asked again before telling: parallel workers
    assert len(a) == 4 and len(b) == 3
    assert not {s.index for s in a} & {s.index for s in b}


def test_tell_checks_its_input(bench):
    strategy = RandomSearch(bench.space, seed=0)
    batch = strategy.ask()
    with pytest.raises(ValueError, match="not proposed"):
        strategy.tell(
            (batch[0].index + 1) % bench.space.size
            if (batch[0].index + 1) % bench.space.size not in {s.index for s in batch}
            else 0,
            1.0,
        )
    with pytest.raises(ValueError, match="not finite"):
        strategy.tell(batch[0].index, float("nan"))
    strategy.tell(batch[0].index, 50.0)
    with pytest.raises(ValueError, match="already told"):
        strategy.tell(batch[0].index, 50.0)


def test_same_seed_same_proposals(bench):
    runs = [_drive(WeakNAS(bench.space, seed=5), bench, 60) for _ in range(2)]
    assert runs[0] == runs[1]
    assert runs[0] != _drive(WeakNAS(bench.space, seed=6), bench, 60)


def test_top_m_schedule():
    constant = TopMSchedule.parse("100", horizon=1000)
    assert constant(0) == constant(999) == 100
    decay = TopMSchedule.parse("1000:10", horizon=1000)
    assert decay(0) == 1000 and decay(500) == 100 and decay(1000) == decay(5000) == 10
    for bad in ["abc", "1:2:3", "0", "-5:10"]:
        with pytest.raises(ValueError, match="top-M"):
            TopMSchedule.parse(bad, horizon=100)


class _LabelSpy:
    """Keeps the labels each fit received."""

    labels: list = []

    def __init__(self, seed):
        from weaknas.predictors import make_predictor

        self.inner = make_predictor("lgbm", seed)

    def fit(self, X, y):
        _LabelSpy.labels.append(np.asarray(y))
        self.inner.fit(X, y)
        return self

    def predict(self, X):
        return self.inner.predict(X)


def test_rank_target_fits_the_predictor_to_ranks(bench):
    _LabelSpy.labels = []
    strategy = WeakNAS(bench.space, seed=0, n_init=10, predictor=_LabelSpy, target="rank")
    proposed = _drive(strategy, bench, 30)
    first = _LabelSpy.labels[0]
    observed = bench.val_mean[proposed[:10]]
    assert sorted(first.tolist()) == [i / 10 for i in range(1, 11)]
    assert np.argmax(first) == np.argmax(observed) and np.argmin(first) == np.argmin(observed)
    with pytest.raises(ValueError, match="unknown target 'quantile'"):
        WeakNAS(bench.space, target="quantile")


def test_warm_start_loads_results_the_strategy_did_not_propose():
    from weaknas.spaces.categorical import CategoricalSpace
    from weaknas.strategies.weaknas import WeakNAS

    space = CategoricalSpace({"a": list(range(6)), "b": list(range(6))})
    strategy = WeakNAS(space, seed=0, n_init=4)
    strategy.warm_start([(0, 1.0), (7, 3.0), (14, 2.0), (21, 5.0)], taken=[35])
    indices, values = strategy.observations()
    assert indices.tolist() == [0, 7, 14, 21] and values.tolist() == [1.0, 3.0, 2.0, 5.0]
    picks = [s.index for s in strategy.ask(10)]
    assert len(picks) == 10 and not {0, 7, 14, 21, 35} & set(picks)  # taken: never proposed
    assert np.isfinite(strategy.latest_scores).all()  # fitted on the loaded results
    with pytest.raises(ValueError, match="before its first ask"):
        strategy.warm_start([(1, 0.0)])
