import json

import pandas as pd
import pytest

from weaknas.cli import main
from weaknas.testing.extras import require


def test_search_command_writes_results(tmp_path, capsys, nb201_csv):
    out = tmp_path / "run"
    code = main(
        ["search", "--budget", "30", "--seed", "1", "--out", str(out), "--data", str(nb201_csv)]
    )
    assert code == 0
    assert len(pd.read_parquet(out / "evaluations.parquet")) == 30
    summary = json.loads((out / "summary.json").read_text())
    printed = capsys.readouterr().out
    assert summary["best_arch"] in printed and "queries" in printed


def test_search_runs_on_packaged_data(tmp_path, capsys):
    code = main(
        ["search", "--budget", "20", "--out", str(tmp_path), "--quiet", "--strategy", "random"]
    )
    assert code == 0 and capsys.readouterr().out == ""
    assert json.loads((tmp_path / "summary.json").read_text())["best_test"] is None


def test_bad_input_gives_one_clear_line(tmp_path, capsys):
    assert main(["search", "--data", str(tmp_path / "missing.csv.gz"), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "missing.csv.gz" in err and "Traceback" not in err
    assert main(["search", "--budget", "0", "--out", str(tmp_path)]) == 2
    assert "budget" in capsys.readouterr().err


def test_study_command(tmp_path, capsys, nb201_csv):
    code = main(
        [
            "study",
            "--seeds",
            "2",
            "--budget",
            "30",
            "--workers",
            "1",
            "--out",
            str(tmp_path),
            "--data",
            str(nb201_csv),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "queries to optimum" in printed
    assert len(pd.read_csv(tmp_path / "seeds.csv")) == 2


def test_nb101_search_uses_the_paper_protocol_and_says_there_is_no_validation(
    tmp_path, capsys, nb101_npz
):
    out = tmp_path / "nb101"
    args = ["search", "--benchmark", "nb101", "--data", str(nb101_npz.parent)]
    assert main([*args, "--budget", "130", "--out", str(out)]) == 0
    evaluations = pd.read_parquet(out / "evaluations.parquet")
    assert len(evaluations) == 130
    assert (evaluations["iteration"] == 1).sum() == 100  # 100 random initial cells
    assert evaluations["iteration"].max() == 4  # then 3 batches of 10
    assert evaluations["predicted"].iloc[100:].notna().all()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["settings"]["options"]["n_init"] == 100
    assert "no validation" in summary["notes"][0]
    assert "no validation" in capsys.readouterr().out


def test_convert_nb101_command(tmp_path, capsys):
    source = tmp_path / "empty.tfrecord"
    source.write_bytes(b"")
    assert main(["data", "convert-nb101", str(source), str(tmp_path / "out.npz")]) == 2
    assert "no rows with 108 epochs in 0 records" in capsys.readouterr().err


def test_nb101_study_command(tmp_path, capsys, nb101_npz):
    out = tmp_path / "study"
    args = ["study", "--benchmark", "nb101", "--data", str(nb101_npz), "--seeds", "2"]
    assert main([*args, "--budget", "110", "--workers", "2", "--out", str(out)]) == 0
    seeds = pd.read_csv(out / "seeds.csv")
    assert sorted(seeds["seed"]) == [0, 1] and (seeds["n_queries"] == 110).all()
    assert "test@100" in (out / "report.md").read_text()
    assert "weaknas[lgbm]" in capsys.readouterr().out


def test_study_of_several_strategies_then_report(tmp_path, capsys, nb201_csv):
    out = tmp_path / "compare"
    args = ["study", "--data", str(nb201_csv), "--seeds", "2", "--budget", "50", "--quiet"]
    strategies = ["--strategies", "weaknas,random", "--benchmarks", "nb201-cifar10,nb201-cifar100"]
    assert main([*args, *strategies, "--out", str(out)]) == 0
    assert (out / "nb201-cifar100" / "random" / "seeds" / "seed_0001" / "summary.json").is_file()
    assert main(["report", str(out), "--no-tsne"]) == 0
    assert "report:" in capsys.readouterr().out
    assert (out / "figures" / "accuracy_vs_queries.png").is_file()
    assert not (out / "figures" / "search_dynamics_tsne.png").exists()
    assert main([*args, "--strategies", "weaknas,annealing", "--out", str(out)]) == 2
    assert "unknown strategies ['annealing']" in capsys.readouterr().err
    assert main(["report", str(tmp_path / "empty")]) == 2
    assert "no such study folder" in capsys.readouterr().err


def test_search_with_real_training_and_resume(tmp_path, capsys):
    require("torch")
    out = tmp_path / "digits"
    args = ["search", "--train", "digits", "--budget", "4", "--epochs", "1", "--n-init", "2"]
    assert main([*args, "--batch-size", "2", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.count("value") == 5 and "best" in printed
    table = pd.read_parquet(out / "evaluations.parquet")
    assert len(table) == 4 and (table["status"] == "ok").all()
    assert main(["search", "--resume", str(out)]) == 0
    assert "[  1]" not in capsys.readouterr().out  # nothing was evaluated again
    assert main([*args, "--out", str(out)]) == 2
    assert "--resume" in capsys.readouterr().err


def test_search_refuses_to_replace_a_run_and_resumes_any_search(tmp_path, capsys, nb201_csv):
    out = tmp_path / "run"
    args = ["search", "--data", str(nb201_csv), "--budget", "40", "--quiet"]
    assert main([*args, "--out", str(out)]) == 0
    first = pd.read_parquet(out / "evaluations.parquet")
    assert main([*args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"--resume {out}" in err and "--overwrite" in err
    assert main([*args, "--out", str(out), "--overwrite", "--seed", "1"]) == 0
    assert not pd.read_parquet(out / "evaluations.parquet")["index"].equals(first["index"])
    assert main(["search", "--resume", str(out), "--budget", "50"]) == 2
    assert "drop --budget" in capsys.readouterr().err
    assert main(["search", "--resume", str(out), "--quiet"]) == 0  # finished: nothing to do
    (tmp_path / "file").write_text("x")
    assert main([*args, "--out", str(tmp_path / "file")]) == 2
    assert "is a file" in capsys.readouterr().err
    assert main(["search", "--resume", str(tmp_path)]) == 2
    assert "not a folder written by 'weaknas search'" in capsys.readouterr().err


def test_killed_command_line_search_resumes_exactly(tmp_path, nb201_csv):
    import signal
    import subprocess
    import sys
    import time

    base = [sys.executable, "-m", "weaknas.cli", "search", "--data", str(nb201_csv)]
    base += ["--budget", "300", "--quiet"]
    subprocess.run([*base, "--out", str(tmp_path / "plain")], check=True, timeout=300)
    killed = tmp_path / "killed"
    process = subprocess.Popen([*base, "--out", str(killed)])
    log = killed / "events.jsonl"
    deadline = time.time() + 120
    while time.time() < deadline and process.poll() is None:
        if log.is_file() and log.read_text().count('"result"') >= 30:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the search ended before it was killed"
    subprocess.run([*base[:3], "search", "--resume", str(killed), "--quiet"], check=True)
    timing = ["seconds", "elapsed"]
    plain = pd.read_parquet(tmp_path / "plain" / "evaluations.parquet").drop(columns=timing)
    resumed = pd.read_parquet(killed / "evaluations.parquet").drop(columns=timing)
    pd.testing.assert_frame_equal(resumed, plain)


OBJECTIVE_MODULE = """
def accuracy(config):
    return 90 - abs(config["depth"] - 4) + (config["act"] == "gelu")

def flaky(config):
    import os
    if config["act"] == "gelu" and not os.path.exists("fixed"):
        raise ImportError("No module named 'missing_dependency'")
    return accuracy(config)
"""


def test_search_own_space_and_objective_from_the_command_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my_objective.py").write_text(OBJECTIVE_MODULE)
    space = {"depth": [2, 4, 8], "width": [16, 32], "act": ["relu", "gelu"]}
    (tmp_path / "space.json").write_text(json.dumps(space))
    args = ["search", "--space", "space.json", "--objective", "my_objective:accuracy"]
    assert main([*args, "--budget", "8", "--n-init", "4", "--batch-size", "2"]) == 0
    captured = capsys.readouterr()
    assert captured.out.count("value") >= 8 and "note: top-M 100 covers" in captured.err
    summary = json.loads(next(tmp_path.glob("runs/*/summary.json")).read_text())
    assert summary["n_queries"] == 8 and summary["best_value"] == 91
    assert summary["benchmark"] is None and summary["space"] == "space"
    # an objective that fails for an environment reason: fixed, then retried on resume
    out = tmp_path / "flaky"
    flaky = [*args[:3], "--objective", "my_objective:flaky", "--budget", "12", "--n-init", "4"]
    assert main([*flaky, "--out", str(out), "--quiet"]) == 0
    first = pd.read_parquet(out / "evaluations.parquet")
    assert (first["status"] == "failed").sum() > 0
    assert first["error"].dropna().str.contains("missing_dependency").all()
    (tmp_path / "fixed").write_text("")
    failed = int((first["status"] == "failed").sum())
    assert main(["search", "--resume", str(out), "--retry-failed"]) == 0
    printed = capsys.readouterr().out
    assert f"[ {12 - failed + 1:>2}]" in printed and "[  1]" not in printed  # count continues
    retried = pd.read_parquet(out / "evaluations.parquet")
    assert (retried["status"] == "ok").all()
    assert retried["index"].tolist() == first["index"].tolist()
    assert main(["search", "--resume", str(out), "--quiet"]) == 0  # replays the retry too


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--n-init", "1000"], "n_init 1000 (--n-init) >= budget 1000"),
        (["--strategy", "single-predictor", "--budget", "50"], "n_init 100 (--n-init)"),
        (["--top-m", "5:1000"], "would grow"),
        (["--strategy", "evolution", "--top-m", "50"], "--top-m is not used by --strategy"),
        (["--strategy", "random", "--predictor", "rf"], "--predictor is not used"),
        (["--seed", "-1"], "argument --seed: must be >= 0"),
        (["--workers", "0", "--objective", "m:f"], "argument --workers: must be >= 1"),
        (["--timeout", "-1", "--objective", "m:f"], "argument --timeout: must be > 0"),
        (["--epochs", "0", "--train", "digits"], "argument --epochs: must be >= 1"),
        (["--budget", "abc"], "argument --budget: expected a whole number"),
        (["--train", "digits", "--benchmark", "nb201-cifar100"], "--benchmark: for benchmark"),
        (["--train", "digits", "--data", "x"], "--data is for benchmark tables"),
        (["--workers", "2"], "--workers: for searches of your own --objective"),
        (["--eval-images", "10"], "--eval-images: for searches of your own --objective"),
        (["--retry-failed"], "--retry-failed continues a run"),
        (["--objective", "no_such_module:f"], "cannot import 'no_such_module'"),
        (["--objective", "json:no_such_function"], "json has no 'no_such_function'"),
        (["--space", "missing.json", "--objective", "json:dumps"], "no such file"),
    ],
)
def test_settings_that_would_be_ignored_or_misread_are_one_line_errors(
    argv, message, tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    assert main(["search", *argv, "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "run").exists()  # nothing claimed before the settings are valid


def test_budget_beyond_the_space_is_noted(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my_objective.py").write_text(OBJECTIVE_MODULE)
    (tmp_path / "tiny.json").write_text(json.dumps({"depth": [2, 4, 8], "act": ["relu", "gelu"]}))
    argv = ["search", "--space", "tiny.json", "--objective", "my_objective:accuracy"]
    assert main([*argv, "--budget", "10", "--n-init", "2", "--quiet"]) == 0
    assert "budget 10 > the 6 architectures of tiny" in capsys.readouterr().err


def test_data_mistakes_are_one_line_errors_that_never_suggest_unpickling(
    tmp_path, capsys, nb201_csv
):
    args = ["search", "--benchmark", "nb101", "--data", str(nb201_csv), "--out", str(tmp_path)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "NB201 table" in err and "pickle" not in err
    missing = tmp_path / "missing.tfrecord"
    assert main(["data", "convert-nb101", str(missing), str(tmp_path / "x.npz")]) == 2
    err = capsys.readouterr().err
    assert "no such file" in err and "Traceback" not in err


def test_a_cli_json_from_before_strategy_options_resumes_with_its_preset(tmp_path):
    """Such a file records --top-m 100 (the flag's default then) under --preset ofa-paper,
    whose top-M is 1000: the recorded default is read as unset, as the preset then read it."""
    from weaknas.cli.options import search_config
    from weaknas.cli.parser import build_parser
    from weaknas.cli.run_folder import resumed_settings

    recorded = {"benchmark": None, "strategy": "weaknas", "budget": 300, "preset": "ofa-paper"}
    recorded |= {"top_m": "100", "local": 0.0, "shortlist": 0, "pool_grow": 0, "n_init": None}
    (tmp_path / "cli.json").write_text(json.dumps(recorded))
    args = build_parser().parse_args(["search", "--resume", str(tmp_path)])
    resumed_settings(args)
    config = search_config(args, benchmark=None, space="mobilenetv3")
    assert (config.top_m, config.n_init, config.local, config.pool_grow) == ("1000", 100, 0.0, 0)


def test_a_long_search_forecasts_its_cost_after_the_first_batch(tmp_path, monkeypatch, capsys):
    from weaknas.cli.objective_search import Forecast, duration

    assert [duration(s) for s in (41, 720, 20_520, 400_000)] == [
        "41 s", "12 min", "5.7 h", "4.6 days",
    ]  # fmt: skip
    forecast = Forecast(1000, 2)
    for seconds in (40, 41, 45):
        forecast.add(seconds)
    line = forecast.first_batch_line()
    assert line.startswith("1000 evaluations x 41 s / 2 worker(s) = 5.7 h")
    assert forecast.first_batch_line() is None  # said once
    assert forecast.left(done=3) == 997 * 41 / 2

    monkeypatch.setattr(Forecast, "LONG", 0.0)  # this small search counts as long
    monkeypatch.chdir(tmp_path)
    from weaknas.testing.objectives import toy_space

    (tmp_path / "toy.json").write_text(json.dumps(toy_space().choices()))
    args = ["search", "--space", "toy.json", "--objective", "weaknas.testing.objectives:quadratic"]
    assert main([*args, "--budget", "14"]) == 0
    out, err = capsys.readouterr()
    assert err.count("weaknas: forecast: 14 evaluations x") == 1
    lines = [line for line in out.splitlines() if line.startswith("[")]
    assert len(lines) == 14 and all(line.endswith("left") for line in lines)


def test_a_multi_objective_search_from_the_command_line(tmp_path, capsys, nb201_csv):
    out = tmp_path / "front"
    base = ["search", "--data", str(nb201_csv), "--budget", "60", "--out", str(out)]
    objectives = ["--objectives", "accuracy:max,edgegpu_latency:min"]
    assert main([*base, *objectives]) == 0
    printed = capsys.readouterr().out
    front = pd.read_parquet(out / "pareto.parquet")
    summary = json.loads((out / "summary.json").read_text())
    assert f"front            {len(front)} architectures" in printed
    assert "true front" in printed and front["arch"].iloc[0] in printed
    assert summary["objectives"] == ["accuracy:max", "edgegpu_latency:min"]
    assert json.loads((out / "cli.json").read_text())["objectives"] == objectives[1]
    # a finished run resumes to the same front
    assert main(["search", "--resume", str(out), "--quiet"]) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(out / "pareto.parquet"), front)
    for bad, named in [
        ("accuracy", "NAME:max or NAME:min"),
        ("accuracy:max,latency:min", "no metric 'latency'"),
    ]:
        code = main([*base[:-1], str(tmp_path / "bad"), "--objectives", bad])
        err = capsys.readouterr().err
        assert code == 2 and named in err and "Traceback" not in err
        assert not (tmp_path / "bad").exists()
    code = main([*base[:-1], str(tmp_path / "bad"), *objectives, "--strategy", "evolution"])
    assert code == 2 and "searches one objective" in capsys.readouterr().err
