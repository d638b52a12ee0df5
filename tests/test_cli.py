import json

import pandas as pd

from weaknas.cli import main


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
