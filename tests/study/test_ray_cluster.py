"""A study spread over a real two-node Ray cluster (``ray start`` twice) equals the local pool."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from weaknas.testing.extras import require

require("ray")

TIMING = ["wall_seconds", "fit_seconds", "rank_seconds"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_study_on_a_two_node_ray_cluster_equals_the_local_pool(tmp_path, nb201_csv):
    ray = str(Path(sys.executable).parent / "ray")
    # A private test cluster: Ray >= 2.5x enables token auth for `ray start`; opt out.
    env = {**os.environ, "RAY_AUTH_MODE": "disabled"}
    port = _free_port()
    head = [ray, "start", "--head", f"--port={port}", "--num-cpus=1", "--disable-usage-stats"]
    node = [ray, "start", f"--address=127.0.0.1:{port}", "--num-cpus=1", "--disable-usage-stats"]
    study = [sys.executable, "-m", "weaknas.cli", "study", "--strategies", "weaknas,random"]
    study += ["--seeds", "4", "--budget", "100", "--data", str(nb201_csv), "--quiet"]
    try:
        subprocess.run([*head, "--include-dashboard=false"], env=env, check=True, timeout=120)
        subprocess.run(node, env=env, check=True, timeout=120)
        cluster = [*study, "--executor", "ray", "--address", f"127.0.0.1:{port}"]
        done = subprocess.run(
            [*cluster, "--out", str(tmp_path / "ray")],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        assert "8 runs on 2 node(s)" in done.stdout
    finally:
        subprocess.run([ray, "stop", "--force"], env=env, capture_output=True, timeout=120)
    subprocess.run([*study, "--workers", "2", "--out", str(tmp_path / "local")], check=True)
    for table, drop, order in (
        ("seeds.parquet", TIMING, ["method", "benchmark", "seed"]),
        ("runs.parquet", ["seconds", "elapsed"], ["method", "seed", "order"]),
    ):
        frames = [
            pd.read_parquet(tmp_path / where / table)
            .drop(columns=drop)
            .sort_values(order)
            .reset_index(drop=True)
            for where in ("ray", "local")
        ]
        pd.testing.assert_frame_equal(*frames)
