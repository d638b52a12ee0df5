"""Training data from disk: every kind read, split, and refused clearly when broken."""

from __future__ import annotations

import json

import numpy as np
import pytest

from weaknas.testing.data import write_cifar10, write_image_folder
from weaknas.training.datasets import load_images, load_split


def test_cifar10_binary(tmp_path):
    folder = write_cifar10(tmp_path / "cifar-10-batches-bin")
    x, y, source = load_images(str(folder))
    assert x.shape == (60, 3, 32, 32) and x.dtype == np.float32 and 0 <= x.min() <= x.max() <= 1
    assert list(y[:12]) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1] and "CIFAR-10 binary" in source
    np.testing.assert_allclose(x[:, 0, 0, 0], y * 25 / 255, rtol=1e-6)
    split = load_split(str(folder))
    assert len(split.y_train) == 48 and len(split.y_val) == 12 and split.n_classes == 10
    (folder / "data_batch_3.bin").write_bytes(b"\x00" * 3074)
    with pytest.raises(ValueError, match="data_batch_3.bin holds 3074 bytes, not a whole number"):
        load_images(str(folder))


def test_cifar100_binary_uses_fine_labels(tmp_path):
    folder = tmp_path / "cifar-100-binary"
    folder.mkdir()
    records = np.random.default_rng(0).integers(0, 256, (40, 3074), dtype=np.uint8)
    records[:, 0] = 7  # coarse
    records[:, 1] = np.arange(40) % 5 + 40  # fine
    records.tofile(folder / "train.bin")
    x, y, source = load_images(str(folder))
    assert x.shape == (40, 3, 32, 32) and set(y) == {40, 41, 42, 43, 44}
    assert "CIFAR-100" in source and load_split(str(folder)).n_classes == 45
    with pytest.raises(ValueError, match="12 images of 5 classes are too few"):
        load_split(str(folder), max_images=12)


def test_npz_in_any_layout_and_never_unpickled(tmp_path):
    rng = np.random.default_rng(0)
    nhwc = rng.integers(0, 256, (30, 16, 16, 3), dtype=np.uint8)
    np.savez(tmp_path / "data.npz", x=nhwc, y=np.arange(30) % 3)
    x, y, _ = load_images(str(tmp_path / "data.npz"))
    assert x.shape == (30, 3, 16, 16)
    np.testing.assert_allclose(x[4, 2], nhwc[4, :, :, 2] / 255, rtol=1e-6)
    np.savez(tmp_path / "grey.npz", x=rng.random((30, 8, 8)), y=np.arange(30) % 2)
    assert load_images(str(tmp_path / "grey.npz"))[0].shape == (30, 1, 8, 8)
    np.savez(tmp_path / "objects.npz", x=np.array([{"a": 1}] * 4, dtype=object), y=np.arange(4))
    with pytest.raises(ValueError, match="not a readable .npz without pickles"):
        load_images(str(tmp_path / "objects.npz"))
    np.savez(tmp_path / "nolabels.npz", x=nhwc)
    with pytest.raises(ValueError, match=r"has no array\(s\) \['y'\]"):
        load_images(str(tmp_path / "nolabels.npz"))


def test_image_folder(tmp_path):
    root = write_image_folder(tmp_path / "images")
    x, y, source = load_images(str(root), image_size=16)
    assert x.shape == (18, 3, 16, 16) and list(np.bincount(y)) == [6, 6, 6]
    assert "image folder, 16x16" in source
    (root / "class1" / "broken.png").write_bytes(b"not a png")
    with pytest.raises(ValueError, match="cannot read image .*broken.png"):
        load_images(str(root))


def test_bad_data_is_named(tmp_path):
    with pytest.raises(ValueError, match="no such file or folder"):
        load_images(str(tmp_path / "missing"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="holds no CIFAR binary files, .npz or class folders"):
        load_images(str(tmp_path / "empty"))
    write_image_folder(tmp_path / "one", classes=1)
    with pytest.raises(ValueError, match="one class only"):
        load_split(str(tmp_path / "one"))
    write_cifar10(tmp_path / "downloads" / "cifar-10-batches-bin")
    with pytest.raises(ValueError, match="binary files are in .*cifar-10-batches-bin: use train:"):
        load_images(str(tmp_path / "downloads"))  # the parent of the release folder
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(ValueError, match="a file must be an .npz"):
        load_images(str(tmp_path / "notes.txt"))


@pytest.mark.parametrize(
    "x, y, message",
    [
        (np.full((20, 8, 8), np.nan), np.arange(20) % 2, "20 of 20 images hold NaN or infinite"),
        (
            np.where(np.arange(20)[:, None, None] == 3, np.inf, np.ones((20, 8, 8)) / 2),
            np.arange(20) % 2,
            "1 of 20 images hold NaN or infinite",
        ),
        (np.full((20, 8, 8), 0.5), np.arange(20) % 2, "every pixel of every image is 0.5"),
        (
            np.random.default_rng(0).random((20, 8, 8)),
            np.arange(20) % 2 - 1,
            "labels y must be 0..1",
        ),
        (np.random.default_rng(0).random((20, 8, 8)), np.arange(20) % 2 + 1, "(min 1, max 2)"),
        (np.random.default_rng(0).random((20, 8, 8)), np.arange(20) % 2 * 7, "renumber them"),
    ],
)
def test_data_a_network_cannot_learn_from_is_refused_before_the_search(
    x, y, message, tmp_path, capsys
):
    from weaknas.cli import main

    np.savez(tmp_path / "bad.npz", x=x, y=y)
    out = tmp_path / "run"
    assert main(["search", "--objective", f"train:{tmp_path / 'bad.npz'}", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and "bad.npz" in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize("kind", ["cifar", "folder"])
def test_train_searches_on_disk_data_from_the_command_line(tmp_path, monkeypatch, capsys, kind):
    """A one-line summary per search; the process executor gives the inline results."""
    from weaknas.cli import main
    from weaknas.testing.extras import require

    require("torch")
    monkeypatch.chdir(tmp_path)
    data = (
        write_cifar10(tmp_path / "cifar")
        if kind == "cifar"
        else write_image_folder(tmp_path / "img")
    )
    base = ["search", "--space", "nb201", "--objective", f"train:{data.name}", "--epochs", "1"]
    base += ["--budget", "3", "--n-init", "2", "--batch-size", "1", "--quiet"]
    assert main([*base, "--out", "inline"]) == 0
    assert main([*base, "--executor", "process", "--workers", "2", "--out", "process"]) == 0
    import pandas as pd

    inline = pd.read_parquet(tmp_path / "inline" / "evaluations.parquet")
    process = pd.read_parquet(tmp_path / "process" / "evaluations.parquet")
    assert list(inline["arch"]) == list(process["arch"])
    assert list(inline["value"]) == list(process["value"])
    assert (inline["status"] == "ok").all()
    summary = json.loads((tmp_path / "inline" / "summary.json").read_text())
    assert summary["n_queries"] == 3
    capsys.readouterr()
    assert main(["search", "--objective", "train:nowhere", "--budget", "30"]) == 2
    assert f"train:{tmp_path / 'nowhere'}: no such file or folder" in capsys.readouterr().err
