"""``weaknas train``: the published recipes on small data, resumed after kill -9 to the
same final weights, the files it writes, and a test split when the data has one."""

import csv
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from weaknas.testing.extras import require

torch = require("torch")

from weaknas.cli import main  # noqa: E402
from weaknas.spaces.darts import PUBLISHED  # noqa: E402
from weaknas.training.final import RECIPES  # noqa: E402
from weaknas.training.steps import cutout  # noqa: E402

NB201_ARCH = (
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|"
    "+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|"
)
SMALL = ["--data", "digits", "--width-scale", "0.5", "--quiet"]


def _train(out, epochs: int) -> list[str]:
    return [
        sys.executable, "-m", "weaknas.cli", "train", "--arch", NB201_ARCH, "--space", "nb201",
        "--epochs", str(epochs), *SMALL, "--out", str(out),
    ]  # fmt: skip


def _weights(folder):
    return torch.load(folder / "checkpoint.pt", weights_only=True)["model"]


def _rows(folder):
    with open(folder / "metrics.csv") as handle:
        return list(csv.DictReader(handle))


def test_kill_9_then_the_same_command_ends_with_the_weights_of_an_uninterrupted_run(tmp_path):
    epochs = 6
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    subprocess.run(_train(whole, epochs), check=True, capture_output=True)
    running = subprocess.Popen(_train(killed, epochs), stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if (killed / "metrics.csv").is_file() and len(_rows(killed)) >= 2:
            break
        time.sleep(0.05)
    os.kill(running.pid, signal.SIGKILL)
    running.wait()
    assert 2 <= len(_rows(killed)) < epochs, "killed too late to test a resume"
    subprocess.run(_train(killed, epochs), check=True, capture_output=True)
    expected, resumed = _weights(whole), _weights(killed)
    assert expected.keys() == resumed.keys()
    assert all(torch.equal(expected[name], resumed[name]) for name in expected)
    same = ("epoch", "train_loss", "val_accuracy", "learning_rate")
    assert [[r[k] for k in same] for r in _rows(killed)] == [
        [r[k] for k in same] for r in _rows(whole)
    ]


def test_a_search_then_its_training_writes_every_file(tmp_path, capsys):
    run = tmp_path / "run"
    assert main(["search", "--budget", "12", "--quiet", "--out", str(run)]) == 0
    capsys.readouterr()
    assert (
        main(["train", str(run), "--epochs", "2", "--data", "digits", "--width-scale", "0.5"]) == 0
    )
    printed = capsys.readouterr().out
    folder = run / "train"
    assert "validation accuracy" in printed and "n/a (no test split)" in printed
    assert {"train.json", "metrics.csv", "summary.json", "checkpoint.pt"} <= {
        p.name for p in folder.iterdir()
    }
    assert [r["epoch"] for r in _rows(folder)] == ["1", "2"]
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["epochs"] == 2 and summary["test_accuracy"] is None
    settings = json.loads((folder / "train.json").read_text())
    assert settings["recipe"]["optimizer"] == "sgd" and settings["recipe"]["nesterov"]
    assert settings["recipe"]["learning_rate"] == 0.1 and settings["recipe"]["batch_size"] == 256
    model = torch.jit.load(str(folder / "model.torchscript.pt"))
    assert model(torch.zeros(2, 1, 8, 8)).shape == (2, 10)
    # the same command again: finished, nothing retrained; other settings: refused
    stamp = (folder / "checkpoint.pt").stat().st_mtime_ns
    assert main(["train", str(run), "--epochs", "2", *SMALL]) == 0
    assert (folder / "checkpoint.pt").stat().st_mtime_ns == stamp
    assert main(["train", str(run), "--epochs", "3", *SMALL]) == 2
    assert "other settings (epochs" in capsys.readouterr().err


def test_an_npz_with_a_test_split_reports_its_test_accuracy(tmp_path, capsys):
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.images * 16).astype(np.uint8)
    np.savez(
        tmp_path / "digits.npz", x=x[:1500], y=digits.target[:1500], x_test=x[1500:],
        y_test=digits.target[1500:],
    )  # fmt: skip
    args = [
        "train",
        "--arch",
        NB201_ARCH,
        "--space",
        "nb201",
        "--data",
        str(tmp_path / "digits.npz"),
    ]
    assert main([*args, "--epochs", "2", "--width-scale", "0.5", "--out", str(tmp_path / "t")]) == 0
    summary = json.loads((tmp_path / "t" / "summary.json").read_text())
    assert 0 <= summary["test_accuracy"] <= 100 and "x_test" in summary["test_data"]


@pytest.mark.parametrize(
    "space, arch",
    [
        ("darts", PUBLISHED["DARTS_V2"]),
        ("nb101", "input,conv3x3-bn-relu,maxpool3x3,output|0110/0001/0001/0000"),
    ],
)
def test_the_darts_and_nb101_recipes_train(tmp_path, space, arch):
    out = tmp_path / space
    args = ["train", "--arch", arch, "--space", space, "--data", "digits", "--epochs", "1"]
    args += ["--width-scale", "0.15", "--max-images", "200", "--quiet", "--out", str(out)]
    assert main(args) == 0
    settings = json.loads((out / "train.json").read_text())["recipe"]
    assert settings == {**RECIPES[space].__dict__, "epochs": 1}
    assert np.isfinite(float(_rows(out)[0]["train_loss"]))


def test_cutout_zeroes_one_square_per_image():
    x = torch.ones(4, 3, 32, 32)
    cut = cutout(x, 16, torch.Generator().manual_seed(0))
    zeroed = (cut[:, 0] == 0).sum(dim=(1, 2))
    assert (zeroed <= 256).all() and (zeroed > 0).all()  # 16x16, less where it leaves the image
    assert torch.equal(cut[:, 0] == 0, cut[:, 2] == 0)  # the same square in every channel


def test_a_space_without_a_recipe_is_one_error(tmp_path, capsys):
    space = tmp_path / "s.json"
    space.write_text('{"width": [4, 8]}')
    args = ["train", "--arch", '{"width": 4}', "--space", str(space), "--data", "digits"]
    assert main(args) == 2
    assert "published recipes of nb201, nb101, darts, mobilenetv3" in capsys.readouterr().err


def test_darts_at_32_pixels_trains_with_its_auxiliary_head_cutout_and_drop_path(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (60, 32, 32, 3), dtype=np.uint8)
    np.savez(tmp_path / "tiny.npz", x=x, y=np.arange(60) % 2)
    out = tmp_path / "darts"
    args = ["train", "--arch", PUBLISHED["DARTS_V2"], "--space", "darts", "--epochs", "2"]
    args += ["--data", str(tmp_path / "tiny.npz"), "--width-scale", "0.12", "--quiet"]
    assert main([*args, "--out", str(out)]) == 0
    weights = _weights(out)
    assert any(name.startswith("auxiliary.") for name in weights)  # the head was trained
    assert all(np.isfinite(float(r["train_loss"])) for r in _rows(out))
