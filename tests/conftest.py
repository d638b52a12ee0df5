import os
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session")
def nb201_csv() -> Path:
    """The shared NB201 csv; CI must have it (fail), a developer's checkout may not (skip)."""
    path = Path(os.environ.get("WEAKNAS_TEST_DATA", SHARED_DATA)) / "nb201.csv.gz"
    if not path.is_file():
        message = f"benchmark data missing: {path} (tests expect ../shared/data beside the repo)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(autouse=True)
def _no_data_env(monkeypatch):
    """Tests choose their data source explicitly."""
    monkeypatch.delenv("WEAKNAS_DATA", raising=False)
