import base64
import json
import struct

import numpy as np
import pytest

from weaknas.benchmarks import load_benchmark, load_nb101
from weaknas.benchmarks.nb101_tfrecord import (
    convert_nb101,
    parse_model_metrics,
    read_records,
    write_records,
)
from weaknas.errors import DataFileError
from weaknas.spaces.nb101_cell import OP_NAMES, cell_hash


def test_real_benchmark_has_the_published_optimum(nb101):
    assert nb101.space.size == 423_624
    assert nb101.optimum_index == 4789
    assert nb101.val_mean[4789] == pytest.approx(94.3176, abs=1e-4)
    assert nb101.test[4789] == nb101.val_mean[4789]  # no validation: mean test is searched
    assert "no validation" in nb101.notes[0] and "test accuracy" in nb101.metric
    assert nb101.extra["params"].iloc[4789] > 0
    assert nb101.query(4789, None, deterministic=True) == nb101.val_mean[4789]
    assert nb101.query(4789, np.random.default_rng(0), deterministic=False) == nb101.val_mean[4789]


def test_nb101_without_data_says_what_to_pass():
    with pytest.raises(DataFileError, match="nb101 needs its data file: pass --data"):
        load_benchmark("nb101")


def _small_npz(path, nb101, rows=(0, 1, 2), **changes):
    space = nb101.space
    rows = np.array(rows)
    arrays = {
        "hash": space.hashes[rows],
        "adjacency": space.adjacency[rows],
        "ops": space.ops[rows],
        "num_vertices": space.num_vertices[rows],
        "test_acc_mean": nb101.test[rows],
        "params": nb101.extra["params"].to_numpy()[rows].astype(np.int64),
    }
    arrays.update(changes)
    arrays = {k: v for k, v in arrays.items() if v is not None}
    np.savez(path, **arrays)
    return path


def test_bad_npz_files_are_named(tmp_path, nb101):
    good = load_nb101(_small_npz(tmp_path / "good.npz", nb101))
    assert good.space.size == 3
    with pytest.raises(DataFileError, match=r"missing array\(s\) \['params'\]"):
        load_nb101(_small_npz(tmp_path / "a.npz", nb101, params=None))
    with pytest.raises(DataFileError, match="'ops' has shape"):
        load_nb101(_small_npz(tmp_path / "b.npz", nb101, ops=np.zeros((3, 5), np.int8)))
    with pytest.raises(DataFileError, match="sorted ascending"):
        load_nb101(_small_npz(tmp_path / "c.npz", nb101, rows=(2, 1, 0)))
    data = (tmp_path / "good.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(DataFileError, match="truncated"):
        load_nb101(tmp_path / "cut.npz")
    objects = np.array([{"x": 1}] * 3, dtype=object)
    with pytest.raises(DataFileError, match=r"d.npz: holds pickled \(object\) arrays"):
        load_nb101(_small_npz(tmp_path / "d.npz", nb101, test_acc_mean=objects))
    with pytest.raises(DataFileError, match="no such file"):
        load_nb101(tmp_path / "missing")


# --- the tfrecord converter ----------------------------------------------------------------
def _key(field, wire):
    return bytes([(field << 3) | wire])


def _varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _double(field, value):
    return _key(field, 1) + struct.pack("<d", value)


def _message(field, payload):
    return _key(field, 2) + _varint(len(payload)) + payload


def _metrics(params, evaluations):
    """A ModelMetrics protobuf, written by hand (field numbers of model_metrics.proto)."""
    out = b""
    for epoch, train_time, val, test in evaluations:
        data = _double(1, epoch) + _double(2, train_time) + _double(3, 0.99) + _double(4, val)
        data += _double(5, test) + _message(6, b"/ckpt/model.ckpt-1")
        out += _message(1, data)
    return out + _key(2, 0) + _varint(params) + _double(3, 123.0)


def _official_rows(nb101, rows, epochs=108):
    """Records as in nasbench_only108.tfrecord: 3 repeats per cell, in file order."""
    records = []
    for row in rows:
        cell = nb101.space.cell(row)
        adjacency = "".join(str(int(b)) for b in cell.matrix.ravel())
        ops = ",".join(OP_NAMES[op] for op in cell.ops)
        for repeat in range(3):
            val, test = 0.90 + 0.001 * repeat + 1e-6 * row, 0.89 + 0.001 * repeat
            metrics = _metrics(
                1000 + row, [(0, 0, 0.1, 0.1), (epochs / 2, 50, 0.5, 0.5), (epochs, 100, val, test)]
            )
            row_json = [nb101.space.hash_of(row), epochs, adjacency, ops]
            row_json.append(base64.b64encode(metrics).decode())
            records.append(json.dumps(row_json).encode())
    return records


def test_protobuf_parser_reads_the_fields_we_need():
    metrics = parse_model_metrics(_metrics(300, [(108.0, 1.5, 0.9, 0.8)]))
    assert metrics["trainable_parameters"] == 300
    assert metrics["total_time"] == 123.0
    assert metrics["evaluation_data"] == [
        {
            "current_epoch": 108.0,
            "training_time": 1.5,
            "train_accuracy": 0.99,
            "validation_accuracy": 0.9,
            "test_accuracy": 0.8,
        }
    ]


def test_convert_nb101_keeps_validation_and_repeats(tmp_path, nb101):
    rows = [4789, 7, 300_000, 12]
    source = tmp_path / "nasbench_only108.tfrecord"
    records = _official_rows(nb101, rows)
    records += _official_rows(nb101, [5], epochs=36)  # another training length: skipped
    write_records(source, records)
    assert len(list(read_records(source))) == 15

    counts = convert_nb101(source, tmp_path / "nb101_full.npz")
    assert counts == {
        "records": 15,
        "cells": 4,
        "epochs": 108,
        "out": str(tmp_path / "nb101_full.npz"),
    }
    bench = load_nb101(tmp_path / "nb101_full.npz")
    assert bench.metric == "validation accuracy (%)" and bench.notes == ()
    assert bench.space.size == 4
    for row in rows:
        index = bench.space.from_string(nb101.space.to_string(row))
        assert cell_hash(bench.space.cell(index)) == nb101.space.hash_of(row)
        expected = [90.0 + 0.1 * r + 1e-4 * row for r in range(3)]
        np.testing.assert_allclose(bench.val_runs[index], expected)
        assert bench.test[index] == pytest.approx(89.1)
        assert bench.extra["params"].iloc[index] == 1000 + row
        assert bench.extra["train_time_s"].iloc[index] == 100
    # Noisy queries draw one repeat's validation accuracy.
    rng = np.random.default_rng(0)
    draws = {bench.query(0, rng, deterministic=False) for _ in range(50)}
    assert draws == set(bench.val_runs[0])


def test_converter_rejects_damaged_files(tmp_path, nb101):
    source = tmp_path / "x.tfrecord"
    write_records(source, _official_rows(nb101, [1]))
    data = bytearray(source.read_bytes())
    damaged = tmp_path / "damaged.tfrecord"
    data[40] ^= 0xFF
    damaged.write_bytes(bytes(data))
    with pytest.raises(DataFileError, match="record 0: data checksum mismatch"):
        convert_nb101(damaged, tmp_path / "out.npz")
    cut = tmp_path / "cut.tfrecord"
    cut.write_bytes(source.read_bytes()[:-10])
    with pytest.raises(DataFileError, match="record 2: truncated"):
        convert_nb101(cut, tmp_path / "out.npz")
    other = tmp_path / "other.tfrecord"
    write_records(other, [b'["not", "an", "nb101 row"]'])
    with pytest.raises(DataFileError, match="record 0: not an NB101 row"):
        convert_nb101(other, tmp_path / "out.npz")
    assert not (tmp_path / "out.npz").exists()
