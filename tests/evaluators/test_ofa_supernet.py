"""Sub-networks taken from an OFA supernet: the same network the ofa package extracts."""

from __future__ import annotations

import os
import pickle

import numpy as np
import pandas as pd
import pytest

from weaknas.testing.extras import import_without_torchvision, require

torch = require("torch")

from weaknas.evaluators.ofa_supernet import (  # noqa: E402
    SupernetObjective,
    build_subnet,
    load_supernet,
)
from weaknas.spaces.mobilenetv3 import MobileNetV3Space  # noqa: E402

OFA_NETWORKS = "ofa.imagenet_classification.elastic_nn.networks"


@pytest.fixture(scope="module")
def ofa_supernet():
    """OFA's own supernet class (from the ``ofa`` package, a test dependency)."""
    try:
        return import_without_torchvision(OFA_NETWORKS).OFAMobileNetV3
    except ImportError as exc:
        if os.environ.get("CI"):  # CI installs .[test]: a missing oracle is a failure
            pytest.fail(f"CI needs the ofa package (in the test extra): {exc}")
        pytest.skip(f"the ofa package is missing: {exc}")


def _randomised(supernet, seed: int):
    """Random weights, kernel transforms and BN statistics (not just the initial ones)."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, tensor in supernet.state_dict().items():
            if tensor.dtype.is_floating_point:
                values = torch.rand(tensor.shape, generator=generator)
                tensor.copy_(values + 0.5 if "running_var" in name else values - 0.5)
    return supernet


@pytest.mark.parametrize("width", [1.0, 1.2])
def test_subnetworks_equal_ofas_extraction(ofa_supernet, width):
    """Every kind of slice is exercised: kernels 3/5/7 (the learned transforms), expand
    ratios, depths, SE; benchmarks/mobilenetv3_costs.py does more sub-networks."""
    supernet = _randomised(
        ofa_supernet(
            ks_list=[3, 5, 7], expand_ratio_list=[3, 4, 6], depth_list=[2, 3, 4], width_mult=width
        ),
        seed=int(width * 10),
    ).eval()
    state = supernet.state_dict()
    space = MobileNetV3Space(pool_size=3, seed=4, width_mult=width, resolutions=(128, 160))
    for index in range(space.size):
        config = space.config(index)
        supernet.set_active_subnet(ks=config["ks"], e=config["e"], d=config["d"])
        theirs = supernet.get_active_subnet(preserve_weight=True).eval()
        ours = build_subnet(state, space.rows[index])
        images = torch.randn(
            2, 3, config["r"], config["r"], generator=torch.Generator().manual_seed(index)
        )
        with torch.no_grad():
            expected, got = theirs(images), ours(images)
        torch.testing.assert_close(got, expected, rtol=1e-4, atol=1e-4)


def _image_folder(root, n_classes=3, per_class=4):
    from PIL import Image

    rng = np.random.default_rng(0)
    for split in ("train", "val"):
        for c in range(n_classes):
            folder = root / split / f"n0{c}"
            folder.mkdir(parents=True)
            for i in range(per_class):
                pixels = rng.integers(0, 256, (40 + 3 * i, 36, 3), dtype=np.uint8)
                Image.fromarray(pixels).save(folder / f"img{i}.png")


def test_supernet_objective_end_to_end(ofa_supernet, tmp_path, monkeypatch, capsys):
    supernet = ofa_supernet(ks_list=[3, 5, 7], expand_ratio_list=[3, 4, 6], depth_list=[2, 3, 4])
    torch.save({"state_dict": supernet.state_dict()}, tmp_path / "ofa.pth")
    _image_folder(tmp_path / "imagenet")
    objective = SupernetObjective(
        tmp_path / "ofa.pth", tmp_path / "imagenet", calibration_images=6, batch_size=4
    )
    space = MobileNetV3Space(pool_size=2, seed=0, resolutions=128)
    first = objective(space.config(0))
    assert 0 <= first["value"] <= 100 and first["eval_images"] == 12
    again = pickle.loads(pickle.dumps(objective))(space.config(0))  # a worker's copy
    assert again["value"] == first["value"]

    from weaknas.cli import main

    monkeypatch.chdir(tmp_path)
    args = ["search", "--space", "mobilenetv3", "--resolution", "128", "--pool", "40"]
    args += ["--objective", "supernet:ofa.pth", "--data", "imagenet", "--eval-images", "6"]
    args += ["--budget", "3", "--n-init", "2", "--batch-size", "1", "--quiet", "--out", "run"]
    assert main(args) == 0
    evaluations = pd.read_parquet(tmp_path / "run" / "evaluations.parquet")
    assert len(evaluations) == 3 and (evaluations["status"] == "ok").all()
    assert (evaluations["eval_images"] == 6).all()
    capsys.readouterr()
    assert main([*args[:7], "--width", "1.2", *args[7:-1], "run2"]) == 2
    assert "the supernet is OFA's width 1.0; search it with --width 1.0" in capsys.readouterr().err


def test_bad_checkpoints_and_folders_are_named(tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        load_supernet(tmp_path / "missing.pth")
    torch.save({"weights": torch.zeros(3)}, tmp_path / "other.pth")
    with pytest.raises(ValueError, match="not an OFA MobileNetV3 supernet"):
        load_supernet(tmp_path / "other.pth")
    (tmp_path / "code.pth").write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="not a checkpoint of tensors"):
        load_supernet(tmp_path / "code.pth")
    torch.save(torch.nn.Linear(2, 2), tmp_path / "module.pth")  # a pickled module, not tensors
    with pytest.raises(ValueError) as refused:
        load_supernet(tmp_path / "module.pth")
    message = str(refused.value)
    assert "holds more than tensors" in message and "state_dict()" in message
    assert "\n" not in message and "weights_only" not in message.replace("weights alone", "")
    with pytest.raises(ValueError, match="needs train/CLASS/image folders"):
        SupernetObjective(tmp_path / "other.pth", tmp_path)


def test_a_checkpoint_with_ofas_2020_names_loads_as_the_ofa_package_loads_it(
    ofa_supernet, tmp_path
):
    """OFA's released checkpoints name the blocks' layers ``mobile_inverted_conv``; the
    ofa package renames them to ``conv`` on loading, and so does weaknas."""
    supernet = _randomised(
        ofa_supernet(ks_list=[3, 5, 7], expand_ratio_list=[3, 4, 6], depth_list=[2, 3, 4]), 7
    )
    state = supernet.state_dict()
    legacy = {
        k.replace(".conv.", ".mobile_inverted_conv.", 1) if k.startswith("blocks.") else k: v
        for k, v in state.items()
    }
    assert any(".mobile_inverted_conv." in k for k in legacy)
    torch.save({"state_dict": legacy}, tmp_path / "ofa_2020.pth")
    loaded = load_supernet(tmp_path / "ofa_2020.pth")
    assert loaded.keys() == state.keys()
    assert all(torch.equal(loaded[k], state[k]) for k in state)
    _image_folder(tmp_path / "imagenet")
    SupernetObjective(tmp_path / "ofa_2020.pth", tmp_path / "imagenet")  # passes the check


def test_a_supernet_missing_a_tensor_is_refused_before_the_search(ofa_supernet, tmp_path):
    """Refused when the objective is made, naming what is missing: not by every
    evaluation of the search, each failing with the same error."""
    state = ofa_supernet(
        ks_list=[3, 5, 7], expand_ratio_list=[3, 4, 6], depth_list=[2, 3, 4]
    ).state_dict()
    del state["blocks.5.conv.point_linear.bn.bn.running_var"]  # a batch-norm statistic
    torch.save({"state_dict": state}, tmp_path / "broken.pth")
    _image_folder(tmp_path / "imagenet")
    with pytest.raises(
        ValueError, match=r"supernet:.*broken.pth: .*point_linear.bn.bn.running_var"
    ):
        SupernetObjective(tmp_path / "broken.pth", tmp_path / "imagenet")


def test_an_exported_supernet_subnetwork_scores_what_the_search_measured(
    ofa_supernet, tmp_path, monkeypatch, capsys
):
    """``weaknas export`` of a supernet: search: the sliced weights with the batch norm
    recalibrated as the search's objective did, so the file's accuracy on the scored
    images is the observed value."""
    from weaknas.cli import main
    from weaknas.evaluators.ofa_supernet import image_folder, load_images

    supernet = _randomised(
        ofa_supernet(ks_list=[3, 5, 7], expand_ratio_list=[3, 4, 6], depth_list=[2, 3, 4]), 3
    )
    torch.save({"state_dict": supernet.state_dict()}, tmp_path / "ofa.pth")
    _image_folder(tmp_path / "imagenet", n_classes=3, per_class=6)
    monkeypatch.chdir(tmp_path)
    args = ["search", "--space", "mobilenetv3", "--resolution", "128", "--pool", "40"]
    args += ["--objective", "supernet:ofa.pth", "--data", "imagenet"]
    args += ["--budget", "3", "--n-init", "2", "--batch-size", "1", "--quiet", "--out", "run"]
    assert main(args) == 0
    assert main(["export", "run", "--out", "best.pt"]) == 0
    capsys.readouterr()
    extra = {"weaknas.json": ""}
    network = torch.jit.load(str(tmp_path / "best.pt"), _extra_files=extra)
    files, labels = image_folder(tmp_path / "imagenet" / "val")
    with torch.no_grad():
        predicted = network(load_images(files, 128)).argmax(dim=1).numpy()
    about = __import__("json").loads(extra["weaknas.json"])
    assert "recalibrated" in about["weights"]
    assert 100.0 * (predicted == labels).mean() == pytest.approx(about["source"]["observed"])


def test_a_supernet_search_fine_tunes_its_best_subnetwork(ofa_supernet, tmp_path, monkeypatch):
    """``weaknas train RUN_DIR`` of a supernet search: the sub-network starts from the
    supernet's sliced weights (a new head for the data's classes) and fine-tunes."""
    from weaknas.cli import main

    supernet = ofa_supernet(ks_list=[3, 5, 7], expand_ratio_list=[3, 4, 6], depth_list=[2, 3, 4])
    torch.save({"state_dict": supernet.state_dict()}, tmp_path / "ofa.pth")
    _image_folder(tmp_path / "imagenet")
    monkeypatch.chdir(tmp_path)
    args = ["search", "--space", "mobilenetv3", "--resolution", "128", "--pool", "40"]
    args += ["--objective", "supernet:ofa.pth", "--data", "imagenet", "--eval-images", "6"]
    args += ["--budget", "2", "--n-init", "1", "--batch-size", "1", "--quiet", "--out", "run"]
    assert main(args) == 0
    train = ["train", "run", "--data", "imagenet/train", "--epochs", "1", "--quiet"]
    assert main(train) == 0
    summary = __import__("json").loads((tmp_path / "run" / "train" / "summary.json").read_text())
    assert summary["space"] == "mobilenetv3" and summary["epochs"] == 1
    settings = __import__("json").loads((tmp_path / "run" / "train" / "train.json").read_text())
    assert settings["recipe"]["learning_rate"] == 0.01  # fine-tuning, not from scratch
    tuned = torch.load(tmp_path / "run" / "train" / "checkpoint.pt", weights_only=True)["model"]
    start = supernet.state_dict()["first_conv.conv.weight"]  # the stem: never sliced
    assert (tuned["first_conv.conv.weight"] - start).abs().max() < 0.05  # one small step
    assert not torch.equal(tuned["first_conv.conv.weight"], start)


def test_recalibration_and_accuracy_equal_the_ofa_packages_own(ofa_supernet, tmp_path):
    """OFA's ``set_running_statistics`` (batch-size-weighted, biased variance) on the same
    calibration batches gives the same statistics, and the same accuracy on val."""
    from weaknas.evaluators.ofa_supernet import image_folder, load_images

    set_running_statistics = import_without_torchvision(
        "ofa.imagenet_classification.elastic_nn.utils"
    ).set_running_statistics
    supernet = _randomised(
        ofa_supernet(ks_list=[3, 5, 7], expand_ratio_list=[3, 4, 6], depth_list=[2, 3, 4]), 7
    )
    torch.save({"state_dict": supernet.state_dict()}, tmp_path / "ofa.pth")
    _image_folder(tmp_path / "imagenet", n_classes=3, per_class=7)  # batches of 4: 4+4+4+4+4+1
    objective = SupernetObjective(
        tmp_path / "ofa.pth", tmp_path / "imagenet", calibration_images=21, batch_size=4
    )
    config = MobileNetV3Space(pool_size=1, seed=2, resolutions=128).config(0)
    ours = objective.network(config)
    supernet.set_active_subnet(ks=config["ks"], e=config["e"], d=config["d"])
    theirs = supernet.get_active_subnet(preserve_weight=True)
    files, _ = image_folder(tmp_path / "imagenet" / "train")
    batches = [(load_images(files[i : i + 4], 128), None) for i in range(0, len(files), 4)]
    set_running_statistics(theirs, batches)
    theirs.eval()
    mine = {k: v for k, v in ours.state_dict().items() if "running_" in k}
    other = {k: v for k, v in theirs.state_dict().items() if "running_" in k}
    assert len(mine) == len(other) > 10
    for (name, value), expected in zip(mine.items(), other.values(), strict=True):
        torch.testing.assert_close(value, expected, rtol=1e-4, atol=1e-5, msg=name)
    val, labels = image_folder(tmp_path / "imagenet" / "val")
    with torch.no_grad():
        images = load_images(val, 128)
        assert torch.equal(ours(images).argmax(1), theirs(images).argmax(1))
    score = objective(config)["value"]
    assert score == pytest.approx(100 * float((theirs(images).argmax(1).numpy() == labels).mean()))
    # the same supernet under OFA's 2020 names scores the same
    legacy = {
        k.replace(".conv.", ".mobile_inverted_conv.", 1) if k.startswith("blocks.") else k: v
        for k, v in supernet.state_dict().items()
    }
    torch.save({"state_dict": legacy}, tmp_path / "ofa_2020.pth")
    old_names = SupernetObjective(
        tmp_path / "ofa_2020.pth", tmp_path / "imagenet", calibration_images=21, batch_size=4
    )
    assert old_names(config)["value"] == score
