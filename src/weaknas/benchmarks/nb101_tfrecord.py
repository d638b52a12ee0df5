"""Convert the official ``nasbench_only108.tfrecord`` to weaknas' NB101 ``.npz``, no TensorFlow.

The file is TFRecord framing around JSON rows ``[hash, epochs, adjacency digits, ops,
base64(ModelMetrics protobuf)]``, one row per (cell, repeat). The converter reads the
framing (with its CRC32C checks) and the few protobuf fields it needs by hand, and keeps
what ``shared/data/nb101.npz`` lacks: per-repeat validation and test accuracy and
training time at the final epoch.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import google_crc32c
import numpy as np

from weaknas.errors import DataFileError
from weaknas.spaces.nb101_cell import MAX_VERTICES, OP_CODES

_MASK_DELTA = 0xA282EAD8


def masked_crc32c(data: bytes) -> int:
    """TFRecord's checksum: CRC32C rotated right by 15 bits plus a constant."""
    crc = google_crc32c.value(data)
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def read_records(path: str | os.PathLike) -> Iterator[bytes]:
    """The records of a TFRecord file; ``DataFileError`` on truncation or a bad checksum."""
    with open(path, "rb") as stream:
        number = 0
        while True:
            header = stream.read(12)
            if not header:
                return
            if len(header) < 12:
                raise DataFileError(path, f"record {number}: truncated header")
            (length,) = struct.unpack("<Q", header[:8])
            (length_crc,) = struct.unpack("<I", header[8:])
            if masked_crc32c(header[:8]) != length_crc:
                raise DataFileError(path, f"record {number}: length checksum mismatch")
            payload = stream.read(length)
            footer = stream.read(4)
            if len(payload) < length or len(footer) < 4:
                raise DataFileError(path, f"record {number}: truncated data")
            if masked_crc32c(payload) != struct.unpack("<I", footer)[0]:
                raise DataFileError(path, f"record {number}: data checksum mismatch")
            yield payload
            number += 1


def write_records(path: str | os.PathLike, records: list[bytes]) -> None:
    """Write records in TFRecord framing (for tests and for small extracts)."""
    with open(path, "wb") as stream:
        for payload in records:
            length = struct.pack("<Q", len(payload))
            stream.write(length + struct.pack("<I", masked_crc32c(length)))
            stream.write(payload + struct.pack("<I", masked_crc32c(payload)))


# --- protobuf wire format -----------------------------------------------------------------
def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _fields(data: bytes) -> Iterator[tuple[int, int, Any]]:
    """(field number, wire type, value) of a protobuf message; unknown types raise."""
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        value: Any
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 1:
            (value,) = struct.unpack_from("<d", data, pos)
            pos += 8
        elif wire == 2:
            size, pos = _varint(data, pos)
            value = data[pos : pos + size]
            if len(value) < size:
                raise ValueError("truncated length-delimited field")
            pos += size
        elif wire == 5:
            value = data[pos : pos + 4]
            pos += 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        yield number, wire, value


# EvaluationData fields (nasbench/lib/model_metrics.proto), all doubles.
_EVALUATION_FIELDS = {
    1: "current_epoch",
    2: "training_time",
    3: "train_accuracy",
    4: "validation_accuracy",
    5: "test_accuracy",
}


def parse_model_metrics(raw: bytes) -> dict:
    """``ModelMetrics``: ``evaluation_data`` (list of dicts), ``trainable_parameters``."""
    metrics: dict = {"evaluation_data": [], "trainable_parameters": None, "total_time": None}
    for number, wire, value in _fields(raw):
        if number == 1 and wire == 2:
            evaluation = {
                _EVALUATION_FIELDS[n]: v
                for n, w, v in _fields(value)
                if n in _EVALUATION_FIELDS and w == 1
            }
            metrics["evaluation_data"].append(evaluation)
        elif number == 2 and wire == 0:
            metrics["trainable_parameters"] = value
        elif number == 3 and wire == 1:
            metrics["total_time"] = value
    return metrics


# --- conversion ---------------------------------------------------------------------------
def _parse_row(payload: bytes) -> tuple[str, int, np.ndarray, list[int], dict]:
    module_hash, epochs, raw_adjacency, raw_ops, raw_metrics = json.loads(payload)
    ops = [OP_CODES[name] for name in raw_ops.split(",")]
    n = len(ops)
    if len(raw_adjacency) != n * n or not 2 <= n <= MAX_VERTICES:
        raise ValueError(f"adjacency of {len(raw_adjacency)} digits for {n} ops")
    matrix = np.frombuffer(raw_adjacency.encode(), dtype=np.uint8).reshape(n, n) - ord("0")
    if matrix.max() > 1:
        raise ValueError(f"adjacency {raw_adjacency!r} has digits other than 0 and 1")
    metrics = parse_model_metrics(base64.b64decode(raw_metrics, validate=True))
    return str(module_hash), int(epochs), matrix, ops, metrics


def convert_nb101(
    source: str | os.PathLike, out: str | os.PathLike, epochs: int = 108, repeats: int = 3
) -> dict:
    """Write ``out`` (.npz) from an official NB101 tfrecord; returns counts for the user."""
    if not Path(source).is_file():
        raise DataFileError(source, "no such file (expected nasbench_only108.tfrecord)")
    cells: dict[str, tuple[np.ndarray, list[int], int]] = {}
    runs: dict[str, list[tuple[float, float, float]]] = {}
    n_records = 0
    for number, payload in enumerate(read_records(source)):
        n_records += 1
        try:
            key, row_epochs, matrix, ops, metrics = _parse_row(payload)
            if row_epochs != epochs:
                continue
            final = metrics["evaluation_data"][-1]
            values = (
                100.0 * final["validation_accuracy"],
                100.0 * final["test_accuracy"],
                final["training_time"],
            )
        except (ValueError, KeyError, IndexError, TypeError, binascii.Error) as exc:
            raise DataFileError(source, f"record {number}: not an NB101 row ({exc})") from exc
        if key not in cells:
            cells[key] = (matrix, ops, int(metrics["trainable_parameters"] or 0))
            runs[key] = []
        runs[key].append(values)
    if not cells:
        raise DataFileError(source, f"no rows with {epochs} epochs in {n_records} records")

    keys = sorted(cells)
    n = len(keys)
    adjacency = np.zeros((n, MAX_VERTICES, MAX_VERTICES), dtype=np.uint8)
    ops_array = np.full((n, MAX_VERTICES), -1, dtype=np.int8)
    num_vertices = np.zeros(n, dtype=np.uint8)
    params = np.zeros(n, dtype=np.int64)
    per_repeat = np.full((3, n, repeats), np.nan)
    for row, key in enumerate(keys):
        matrix, ops, count = cells[key]
        size = len(ops)
        adjacency[row, :size, :size] = matrix
        ops_array[row, :size] = ops
        num_vertices[row] = size
        params[row] = count
        values = np.array(runs[key][:repeats], dtype=np.float64).T
        per_repeat[:, row, : values.shape[1]] = values
    val_runs, test_runs, time_runs = per_repeat
    arrays = {
        "hash": np.array(keys, dtype="S32"),
        "adjacency": adjacency,
        "ops": ops_array,
        "num_vertices": num_vertices,
        "test_acc_mean": np.nanmean(test_runs, axis=1),
        "params": params,
        "val_acc_runs": val_runs,
        "test_acc_runs": test_runs,
        "train_time_s_runs": time_runs,
    }
    out = Path(out)
    partial = out.with_name(out.name + ".partial")
    with open(partial, "wb") as stream:  # a file object keeps numpy from renaming it
        np.savez_compressed(stream, **arrays)
    partial.replace(out)
    return {"records": n_records, "cells": n, "epochs": epochs, "out": str(out)}
