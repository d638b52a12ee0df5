"""What the README and the guides use is reachable from ``import weaknas``, typed."""

import subprocess
import sys
from pathlib import Path

import pytest

import weaknas


def test_the_documented_names_are_reachable_after_import_weaknas():
    code = (
        "import sys, weaknas\n"
        "assert 'weaknas.integrations' not in sys.modules  # imported on first use only\n"
        "print(weaknas.integrations.optuna.WeakNASSampler.__name__,"
        " weaknas.CategoricalSpace.__name__, weaknas.Search.__name__, weaknas.search.__name__,"
        " weaknas.benchmarks.load_benchmark.__name__, weaknas.runner.SearchConfig.__name__)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "WeakNASSampler",
        "CategoricalSpace",
        "Search",
        "search",
        "load_benchmark",
        "SearchConfig",
    ]
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        weaknas.nothing  # noqa: B018


def test_the_package_says_it_is_typed():
    assert (Path(weaknas.__file__).parent / "py.typed").is_file()


@pytest.mark.slow
def test_the_type_checker_passes_over_src():
    from weaknas.testing.extras import require

    require("mypy")
    root = Path(__file__).resolve().parents[1]  # its [tool.mypy] settings
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "src/weaknas"], capture_output=True, text=True, cwd=root
    )
    assert done.returncode == 0, done.stdout[-5000:]
