"""--device: where the PyTorch objectives run, refused before the search when absent."""

import pytest

from weaknas.testing.extras import require

torch = require("torch")

from weaknas.cli import main  # noqa: E402
from weaknas.training.devices import check_device, resolve_device  # noqa: E402


def test_device_forms():
    for spec in ("auto", "cpu", "cuda", "cuda:0", "cuda:12"):
        assert check_device(spec) == spec
    for spec in ("gpu", "cuda:", "cuda:x", "CPU", ""):
        with pytest.raises(ValueError, match="expected auto, cpu, cuda or cuda:N"):
            check_device(spec)


def test_auto_is_a_gpu_when_pytorch_sees_one_and_a_missing_gpu_is_named(monkeypatch):
    assert resolve_device("cpu") == "cpu"
    assert resolve_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    assert resolve_device("auto") == "cuda" and resolve_device("cuda:1") == "cuda:1"
    with pytest.raises(ValueError, match="--device cuda:2: PyTorch sees 2 CUDA device"):
        resolve_device("cuda:2")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match="sees 0 CUDA device.*CPU build of PyTorch, or no GPU"):
        resolve_device("cuda")


def test_the_device_flag_on_the_command_line(tmp_path, capsys, monkeypatch):
    import pandas as pd

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)  # as on a CPU machine
    out = tmp_path / "run"
    assert main(["search", "--train", "digits", "--device", "cuda", "--out", str(out)]) == 2
    assert "--device cuda: PyTorch sees 0 CUDA device(s)" in capsys.readouterr().err
    assert not out.exists()  # refused before the search
    argv = ["search", "--space", "nb201", "--objective", "proxy:params", "--device", "cpu"]
    assert main([*argv, "--budget", "3", "--n-init", "2", "--out", str(out), "--quiet"]) == 0
    assert (pd.read_parquet(out / "evaluations.parquet")["device"] == "cpu").all()
    own = ["search", "--space", "nb201", "--objective", "json:dumps", "--device", "cpu"]
    assert main([*own, "--out", str(tmp_path / "own")]) == 2
    assert "--device cpu: for the PyTorch objectives" in capsys.readouterr().err
    assert main(["search", "--device", "cpu", "--out", str(tmp_path / "table")]) == 2
    assert "--device: for searches of your own --objective" in capsys.readouterr().err
