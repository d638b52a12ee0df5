"""``weaknas export``: network files that load without weaknas, say what they hold, and give
the logits of the network they came from; published sizes; clear errors."""

import json
import subprocess
import sys

import pytest

from weaknas.testing.extras import require

torch = require("torch")

from weaknas.cli import main  # noqa: E402
from weaknas.export import build_network, load_torch, metadata, write_network  # noqa: E402
from weaknas.spaces.darts import PUBLISHED  # noqa: E402

NB201_ARCH = (
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|"
    "+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|"
)

READ_IN_A_FRESH_PROCESS = """
import json, sys, torch
torch.manual_seed(1)
x = torch.randn(2, 3, 32, 32)
extra = {"weaknas.json": ""}
model = torch.jit.load(sys.argv[1], _extra_files=extra)
print(json.dumps({
    "logits": model(x).tolist(),
    "metadata": json.loads(extra["weaknas.json"]),
    "weaknas_imported": any(name.startswith("weaknas") for name in sys.modules),
}))
"""


def _inputs():
    torch.manual_seed(1)
    return torch.randn(2, 3, 32, 32)


@pytest.fixture(scope="module")
def nb201_network():
    return build_network("nb201", NB201_ARCH)


def test_a_torchscript_file_gives_the_same_logits_in_a_process_without_weaknas(
    tmp_path, nb201_network
):
    path = write_network(nb201_network, tmp_path / "net.pt", "torchscript", metadata(nb201_network))
    done = subprocess.run(
        [sys.executable, "-c", READ_IN_A_FRESH_PROCESS, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    read = json.loads(done.stdout)
    assert not read["weaknas_imported"]
    with torch.no_grad():
        expected = nb201_network.model(_inputs())
    assert torch.allclose(torch.tensor(read["logits"]), expected, atol=1e-5)
    about = read["metadata"]
    assert (about["arch"], about["space"]) == (NB201_ARCH, "nb201")
    assert about["input_shape"] == [3, 32, 32]
    assert about["params"] == sum(p.numel() for p in nb201_network.model.parameters())
    assert about["multiply_adds"] > 0


def test_an_onnx_file_gives_the_same_logits_in_onnxruntime(tmp_path, nb201_network):
    onnxruntime = require("onnxruntime")
    path = write_network(nb201_network, tmp_path / "net.onnx", "onnx", metadata(nb201_network))
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (logits,) = session.run(None, {"images": _inputs().numpy()})  # a batch of 2
    with torch.no_grad():
        expected = nb201_network.model(_inputs()).numpy()
    assert session.run(None, {"images": _inputs()[:1].numpy()})[0].shape == (1, 10)
    assert abs(logits - expected).max() < 1e-4
    props = {p.key: p.value for p in require("onnx").load(str(path)).metadata_props}
    assert json.loads(props["weaknas"])["arch"] == NB201_ARCH


def test_a_weights_file_rebuilds_the_same_network(tmp_path, nb201_network):
    path = write_network(nb201_network, tmp_path / "net.pt", "torch", metadata(nb201_network))
    rebuilt = load_torch(path)
    with torch.no_grad():
        assert torch.equal(rebuilt(_inputs()), nb201_network.model(_inputs()))


def test_the_published_darts_sizes_exactly():
    """DARTS's released code prints 3.349342 M (CIFAR, C=36, 20 cells) and 4.718752 M
    (ImageNet mobile, C=48, 14 cells) for DARTS_V2."""
    cifar = build_network("darts", PUBLISHED["DARTS_V2"])
    imagenet = build_network("darts", PUBLISHED["DARTS_V2"], skeleton="imagenet")
    assert (cifar.parameters(), imagenet.parameters()) == (3_349_342, 4_718_752)
    assert imagenet.input_shape == (3, 224, 224)


def test_nb201_classes_and_image_size_follow_the_benchmark():
    network = build_network(None, NB201_ARCH, benchmark="nb201-imagenet16")
    assert network.input_shape == (3, 16, 16) and network.details["classes"] == 120


def test_export_of_a_search_writes_its_best_architecture(tmp_path, capsys):
    run = tmp_path / "run"
    assert main(["search", "--budget", "20", "--quiet", "--out", str(run)]) == 0
    assert main(["export", str(run), "--format", "torch"]) == 0
    printed = capsys.readouterr().out
    assert "nb201_rank1.pt" in printed and "parameters" in printed
    saved = torch.load(run / "nb201_rank1.pt", weights_only=True)
    import pandas as pd

    evaluations = pd.read_parquet(run / "evaluations.parquet")
    best = evaluations.sort_values(["value", "order"], ascending=[False, True]).iloc[0]
    about = saved["metadata"]
    assert about["arch"] == best["arch"] and about["source"]["rank"] == 1
    assert about["source"]["observed"] == pytest.approx(best["value"])
    # the benchmark's own parameter count (its params column, in millions)
    assert about["params"] == round(best["params_mb"] * 1e6)


def test_an_own_space_exports_through_the_builder_it_names(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mynet.py").write_text(
        "from torch import nn\n"
        "def build(config):\n"
        "    return nn.Sequential(nn.Flatten(), nn.Linear(12, config['width']), nn.ReLU(),"
        " nn.Linear(config['width'], 3))\n"
    )
    space = tmp_path / "space.json"
    space.write_text(json.dumps({"width": [4, 8, 16]}))
    arch = json.dumps({"width": 8})
    out = tmp_path / "own.pt"
    args = ["export", "--arch", arch, "--space", str(space), "--out", str(out)]
    assert main(args) == 2  # no builder: refused, naming --builder
    assert main([*args, "--builder", "mynet:build", "--input-shape", "12"]) == 0
    model = torch.jit.load(str(out))
    assert model(torch.zeros(1, 12)).shape == (1, 3)


@pytest.mark.parametrize(
    "args, message",
    [
        (["export"], "give a RUN_DIR"),
        (["export", "--arch", NB201_ARCH], "--arch needs --space"),
        (["export", "--arch", "x", "--space", "nbgraph"], "no builder for them"),
        (["export", "--arch", "bad", "--space", "nb201"], "bad"),
    ],
)
def test_bad_requests_are_one_clear_error(args, message, capsys):
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_a_rank_beyond_the_run_is_named(tmp_path, capsys):
    run = tmp_path / "run"
    assert main(["search", "--budget", "12", "--quiet", "--out", str(run)]) == 0
    assert main(["export", str(run), "--rank", "13"]) == 2
    assert "--rank 13" in capsys.readouterr().err


def test_onnx_without_its_extra_names_the_extra(tmp_path, monkeypatch, nb201_network):
    monkeypatch.setitem(sys.modules, "onnx", None)  # as if not installed
    with pytest.raises(ImportError, match=r"weaknas\[onnx\]"):
        write_network(nb201_network, tmp_path / "x.onnx", "onnx", {})
