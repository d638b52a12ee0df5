import os
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _shared_file(name: str) -> Path:
    """A shared data file; CI must have it (fail), a developer's checkout may not (skip)."""
    path = Path(os.environ.get("WEAKNAS_TEST_DATA", SHARED_DATA)) / name
    if not path.is_file():
        message = f"benchmark data missing: {path} (tests expect ../shared/data beside the repo)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def nb201_csv() -> Path:
    return _shared_file("nb201.csv.gz")


@pytest.fixture(scope="session")
def nb101_npz() -> Path:
    return _shared_file("nb101.npz")


@pytest.fixture(scope="session")
def nb101(nb101_npz):
    """The real NB101 benchmark, loaded once for the whole session."""
    from weaknas.benchmarks import load_nb101

    return load_nb101(nb101_npz)


@pytest.fixture(autouse=True)
def _no_data_env(monkeypatch):
    """Tests choose their data source explicitly."""
    monkeypatch.delenv("WEAKNAS_DATA", raising=False)


def _stat_fields(pid: int | str) -> list[str] | None:
    """The fields of ``/proc/PID/stat`` after the command name (state first, then the
    parent's pid), or None once the process is gone (Linux)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None


def _process_running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    fields = _stat_fields(pid)
    return fields is not None and fields[0] != "Z"


def _children(pid: int) -> list[int]:
    """Live processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        fields = _stat_fields(entry.name)
        if fields is not None and int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def _ended_within(pids: list[int], seconds: float) -> bool:
    """Whether every process in ``pids`` ends within ``seconds`` (polled)."""
    import time

    deadline = time.time() + seconds
    while any(_process_running(pid) for pid in pids):
        if time.time() > deadline:
            return False
        time.sleep(0.1)
    return True


@pytest.fixture
def ended_within():
    """``ended_within(pids, seconds)``: for kill -9 tests, whether the workers end."""
    return _ended_within


@pytest.fixture
def children_of():
    """``children_of(pid)``: the live child processes of ``pid`` (Linux /proc)."""
    return _children
