import numpy as np
import pytest

from weaknas.testing.extras import require

optuna = require("optuna")

from optuna.testing.pytest_samplers import (  # noqa: E402
    BasicSamplerTestCase,
    MultiObjectiveSamplerTestCase,
    RelativeSamplerTestCase,
)

from weaknas.integrations.optuna import WeakNASSampler  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.WARNING)


class TestOptunaSamplerSuites(
    BasicSamplerTestCase, RelativeSamplerTestCase, MultiObjectiveSamplerTestCase
):
    """Optuna's own reusable sampler tests (multi-objective ones included)."""

    @pytest.fixture
    def sampler(self):
        return lambda: WeakNASSampler(seed=0, n_init=3)


def _objective(trial):
    a = trial.suggest_categorical("a", list(range(8)))
    b = trial.suggest_categorical("b", list(range(8)))
    c = trial.suggest_categorical("c", ["x", "y", "z"])
    return -((a - 6) ** 2) - (b - 2) ** 2 + (c == "y")


def test_no_repeats_and_finds_the_maximum_faster_than_random():
    for seed in range(3):  # random search finds the maximum within 60 draws 31% of the time
        sampler = WeakNASSampler(seed=seed, top_m=20)  # top-20 of this 192-config space
        study = optuna.create_study(direction="maximize", sampler=sampler)
        study.optimize(_objective, n_trials=60)
        keys = [tuple(t.params.values()) for t in study.trials]
        assert len(set(keys)) == 60  # none twice
        assert study.best_value == 1.0


def test_minimisation_and_determinism():
    def run():
        study = optuna.create_study(direction="minimize", sampler=WeakNASSampler(seed=4))
        study.optimize(lambda t: -_objective(t), n_trials=40)
        return [tuple(t.params.values()) for t in study.trials], study.best_value

    first, best = run()
    assert run()[0] == first
    assert best <= 0


def test_workers_sharing_one_storage_never_duplicate(tmp_path):
    """Threads share an SQLite storage here; the process version is in benchmarks/."""
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    space = {"a": list(range(8)), "b": list(range(8)), "c": ["x", "y", "z"]}
    sampler = WeakNASSampler(seed=0, n_init=5, search_space=space)
    study = optuna.create_study(direction="maximize", storage=storage, sampler=sampler)
    study.optimize(_objective, n_trials=48, n_jobs=4)
    keys = [tuple(t.params.values()) for t in study.trials]
    assert len(keys) == 48 and len(set(keys)) == 48


def test_other_parameters_are_sampled_independently():
    study = optuna.create_study(direction="maximize", sampler=WeakNASSampler(seed=2))

    def objective(trial):
        lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
        return _objective(trial) + np.log10(lr)

    study.optimize(objective, n_trials=20)
    assert all(1e-4 <= t.params["lr"] <= 1e-1 for t in study.trials)
    assert len({(t.params["a"], t.params["b"], t.params["c"]) for t in study.trials}) == 20


def test_search_space_accepts_optunas_own_distributions():
    from optuna.distributions import CategoricalDistribution, FloatDistribution

    space = {
        "a": CategoricalDistribution(list(range(8))),
        "b": list(range(8)),
        "c": CategoricalDistribution(["x", "y", "z"]),
        "lr": FloatDistribution(1e-4, 1e-1, log=True),
    }
    sampler = WeakNASSampler(seed=0, n_init=5, search_space=space)
    study = optuna.create_study(direction="maximize", sampler=sampler)

    def objective(trial):
        lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
        return _objective(trial) + np.log10(lr)

    study.optimize(objective, n_trials=15)
    assert len({(t.params["a"], t.params["b"], t.params["c"]) for t in study.trials}) == 15
    with pytest.raises(TypeError, match="search_space\\['a'\\]"):
        WeakNASSampler(search_space={"a": "xyz"})


def test_default_picks_are_the_strategys_and_uniform_is_the_papers():
    from weaknas.strategies.weaknas import DEFAULT_PICKS

    sampler = WeakNASSampler(seed=0)
    assert (sampler.acquisition, sampler.explore, sampler.stall) == tuple(DEFAULT_PICKS.values())
    paper = WeakNASSampler(seed=0, acquisition="uniform")
    assert (paper.acquisition, paper.explore, paper.stall) == ("uniform", 0.0, 0)
    with pytest.raises(ValueError, match="one predictor"):
        WeakNASSampler(acquisition="ei")
    with pytest.raises(ValueError, match="explore"):
        WeakNASSampler(acquisition="uniform", explore=0.2)


def test_a_block_of_ten_trials_picks_as_one_batch_of_the_strategy():
    """3 of each 10 trials (the last positions) draw from the top-M, as the explore share
    of a batch; the others are the strategy's greedy picks, with its stall."""
    from weaknas.spaces.categorical import CategoricalSpace

    space = CategoricalSpace({"a": list(range(5)), "b": list(range(5))})
    sampler = WeakNASSampler(seed=0)
    picks = [sampler._strategy(space, n) for n in range(20)]
    uniform = [n for n, s in enumerate(picks) if s.acquisition == "uniform"]
    assert uniform == [7, 8, 9, 17, 18, 19]
    greedy = picks[0]
    assert (greedy.acquisition, greedy.explore, greedy.stall, greedy.batch_size) == (
        "greedy",
        0.0,
        5,
        10,
    )
    paper = WeakNASSampler(seed=0, acquisition="uniform")
    assert all(paper._strategy(space, n).acquisition == "uniform" for n in range(10))


def test_each_pick_is_the_weaknas_strategys_pick_from_the_trials_so_far():
    """The sampler has no picking code of its own: a weaknas strategy loaded with the
    trials before each one proposes exactly what the trial evaluated."""
    from weaknas.strategies.weaknas import WeakNAS

    sampler = WeakNASSampler(seed=1, n_init=5)
    study = optuna.create_study(direction="maximize", sampler=sampler)
    study.optimize(_objective, n_trials=16)
    space = next(iter(sampler._spaces.values()))
    key = sampler._claim_key(space)
    for trial in study.trials[1:]:
        earlier = study.trials[: trial.number]
        strategy = sampler._strategy(space, trial.number)
        assert isinstance(strategy, WeakNAS)
        indices = [sampler._index_of(t, space, key) for t in earlier]
        strategy.warm_start(zip(indices, [t.value for t in earlier], strict=True))
        assert trial.system_attrs[key] == strategy.ask(1)[0].index, trial.number


def _two_objectives(trial):
    a = trial.suggest_categorical("a", list(range(8)))
    b = trial.suggest_categorical("b", list(range(8)))
    c = trial.suggest_categorical("c", ["x", "y", "z"])
    accuracy = -((a - 6) ** 2) - (b - 2) ** 2 + (c == "y")
    return accuracy, a + 2 * b + (c == "y")  # maximise the first, minimise the cost


def test_a_multi_objective_study_gets_a_better_front_than_random_without_repeats():
    from weaknas.pareto import hypervolume

    reference = np.array([60.0, 25.0])  # (-accuracy, cost): worse than nearly everything

    def front_volume(study):
        points = np.array([[-t.values[0], t.values[1]] for t in study.trials])
        return hypervolume(points, reference)

    volumes = {"weaknas": [], "random": []}
    for seed in range(3):
        for name, sampler in (
            ("weaknas", WeakNASSampler(seed=seed, top_m=20)),
            ("random", optuna.samplers.RandomSampler(seed=seed)),
        ):
            study = optuna.create_study(directions=["maximize", "minimize"], sampler=sampler)
            study.optimize(_two_objectives, n_trials=40)
            if name == "weaknas":
                params = [tuple(t.params.values()) for t in study.trials]
                assert len(set(params)) == len(params)  # no architecture twice
            volumes[name].append(front_volume(study))
    assert min(volumes["weaknas"]) > max(volumes["random"])  # 1367-1392 vs 1284-1342
