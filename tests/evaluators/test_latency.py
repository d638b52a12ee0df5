"""``latency:cpu``: a measured metric added to what an objective returns."""

import time

import pandas as pd
import pytest

from weaknas.testing.extras import require

torch = require("torch")

from weaknas.cli import main  # noqa: E402
from weaknas.evaluators.latency import LATENCY_CPU, MeasuredLatency, cpu_latency_ms  # noqa: E402


class Sleeper(torch.nn.Module):
    """A network whose forward pass takes a known time: 3 ms, plus 50 ms on its first
    three passes (the warm-up the measurement leaves out)."""

    def __init__(self):
        super().__init__()
        self.calls = 0

    def forward(self, x):
        self.calls += 1
        time.sleep(0.003 + (0.05 if self.calls <= 3 else 0.0))
        return x


def test_the_latency_is_the_median_of_timed_batch_one_passes_after_warm_up():
    model = Sleeper()
    latency = cpu_latency_ms(model, (3, 8, 8), runs=7, warmup=3)
    assert model.calls == 10
    assert 3.0 <= latency < 20.0  # the warm-up's 53 ms passes are not in it


def test_measured_latency_joins_what_the_objective_returns():
    measured = MeasuredLatency(lambda arch: 42.0, "nb201", runs=3, warmup=1)
    arch = "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|skip_connect~0|none~1|avg_pool_3x3~2|"
    result = measured(arch)
    assert result["value"] == 42.0 and result[LATENCY_CPU] > 0
    with pytest.raises(ValueError, match="nbgraph"):
        MeasuredLatency(lambda arch: 1.0, "nbgraph")


def test_a_search_of_accuracy_and_cpu_latency_from_the_command_line(tmp_path, capsys):
    out = tmp_path / "run"
    code = main(
        [
            "search", "--space", "nb201", "--objective", "proxy:synflow", "--budget", "12",
            "--n-init", "6", "--objectives", "value:max,latency:cpu:min", "--out", str(out),
        ]
    )  # fmt: skip
    assert code == 0
    evaluations = pd.read_parquet(out / "evaluations.parquet")
    assert (evaluations[LATENCY_CPU] > 0).all() and len(evaluations) == 12
    front = pd.read_parquet(out / "pareto.parquet")
    assert "latency:cpu" in capsys.readouterr().out and len(front) >= 1
