from weaknas.benchmarks import load_benchmark
from weaknas.runner import SearchConfig, run_search
from weaknas.testing.extras import require

optuna = require("optuna")


def test_tpe_counts_distinct_architectures_and_is_seeded():
    bench = load_benchmark("nb201-cifar10")
    config = SearchConfig(strategy="tpe", budget=60)
    first = run_search(bench, config, seed=4).evaluations
    assert first["arch"].nunique() == len(first) == 60
    again = run_search(bench, config, seed=4).evaluations
    assert first["arch"].tolist() == again["arch"].tolist()


def test_tpe_falls_back_when_it_only_repeats(monkeypatch):
    import weaknas.strategies.tpe as tpe

    monkeypatch.setattr(tpe, "MAX_REPEATS", 1)
    bench = load_benchmark("nb201-cifar10")
    strategy = tpe.TPESearch(bench.space, seed=0, n_init=1)
    seen = []
    for _ in range(40):
        (s,) = strategy.ask()
        seen.append(s.index)
        strategy.tell(s.index, float(bench.val_mean[s.index]))
    assert len(set(seen)) == 40


class StuckSampler(optuna.samplers.BaseSampler):
    """An Optuna sampler that always proposes the same choices."""

    def __init__(self, codes):
        self.codes = codes

    def infer_relative_search_space(self, study, trial):
        return {}

    def sample_relative(self, study, trial, search_space):
        return {}

    def sample_independent(self, study, trial, name, distribution):
        return self.codes[name]


def test_a_sampler_that_only_repeats_is_given_up_on_sooner_with_several_objectives():
    """A sampler stuck on one seen architecture: single-objective TPE asks it MAX_REPEATS
    times before a random pick, several-objective TPE (whose asks slow as its study
    grows) MAX_REPEATS_SEVERAL_OBJECTIVES times."""
    import weaknas.strategies.tpe as tpe
    from weaknas.pareto import parse_objectives

    bench = load_benchmark("nb201-cifar10")
    for objectives, patience in ((None, tpe.MAX_REPEATS), ("accuracy:max,params_mb:min", 20)):
        strategy = tpe.TPESearch(bench.space, seed=0, n_init=1)
        if objectives:
            strategy.set_objectives(parse_objectives(objectives))
        (first,) = strategy.ask()
        told = float(bench.val_mean[first.index])
        strategy.tell(first.index, [told, 1.0] if objectives else told)
        codes = dict(zip(strategy.choices, bench.space.to_choices(first.index), strict=True))
        strategy.study.sampler = StuckSampler(codes)
        (second,) = strategy.ask()
        assert second.index != first.index and strategy.repeats == patience
