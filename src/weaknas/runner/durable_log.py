"""An append-only JSON-lines log that survives ``kill -9`` at any moment.

Each record is written and flushed before ``append`` returns (it survives ``kill -9`` of
the process), and fsync'ed unless ``sync=False`` (then the next synced record or
``close`` makes it durable against a machine crash too). A crash can leave at most a
partial last line; reading drops it (and ``DurableLog`` cuts it off before appending),
any other bad line is an error that names the file and line.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from weaknas.errors import DataFileError
from weaknas.runner.output import _json_safe


def read_log(path: Path) -> tuple[list[dict], int]:
    """(records, byte length of the complete lines) of a log; a partial last line is dropped."""
    data = Path(path).read_bytes()
    records, good_bytes, position = [], 0, 0
    lines = data.split(b"\n")
    for number, line in enumerate(lines, start=1):
        end = position + len(line) + 1
        is_last = number == len(lines) or (number == len(lines) - 1 and not lines[-1])
        if line.strip():
            try:
                record = json.loads(line)
                if not isinstance(record, dict):
                    raise ValueError("not a JSON object")
            except ValueError as exc:
                if is_last or end > len(data):  # cut short by a crash mid-write
                    break
                raise DataFileError(path, f"line {number} is not a log record ({exc})") from None
            if end > len(data):  # complete JSON but no newline: written, not yet synced
                break
            records.append(record)
            good_bytes = end
        elif end <= len(data):
            good_bytes = end
        position = end
    return records, good_bytes


class DurableLog:
    """Append records to ``path``; each is on disk (flushed) before ``append`` returns."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if self.path.exists():  # drop a partial line left by a crash before appending
            _, good_bytes = read_log(self.path)
            with self.path.open("r+b") as handle:
                handle.truncate(good_bytes)
        self._file = self.path.open("a", encoding="utf-8")

    def append(self, record: dict, sync: bool = True) -> None:
        self._file.write(json.dumps(_json_safe(record), allow_nan=False) + "\n")
        self._file.flush()
        if sync:
            os.fsync(self._file.fileno())

    def close(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
