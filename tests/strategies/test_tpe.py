from weaknas.benchmarks import load_benchmark
from weaknas.runner import SearchConfig, run_search
from weaknas.testing.extras import require

require("optuna")


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
