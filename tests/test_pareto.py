"""Objectives, dominance and hypervolume, checked against definitions computed here."""

import itertools

import numpy as np
import pytest

from weaknas.pareto import (
    Objective,
    hypervolume,
    hypervolume_curve,
    minimisation_form,
    nondominated,
    pareto_ranks,
    parse_objectives,
)


def dominated_by_definition(points: np.ndarray) -> np.ndarray:
    """i is dominated if some j is no worse everywhere and better somewhere (O(n^2))."""
    no_worse = np.all(points[None, :, :] <= points[:, None, :], axis=2)
    better = np.any(points[None, :, :] < points[:, None, :], axis=2)
    return np.any(no_worse & better, axis=1)


def area_on_a_grid(points: np.ndarray, reference: np.ndarray) -> float:
    """Two-objective hypervolume as a sum of grid cells between the coordinates."""
    xs = np.unique(np.r_[points[:, 0], reference[0]])
    ys = np.unique(np.r_[points[:, 1], reference[1]])
    area = 0.0
    for (x0, x1), (y0, y1) in itertools.product(
        zip(xs[:-1], xs[1:], strict=True), zip(ys[:-1], ys[1:], strict=True)
    ):
        if np.any((points[:, 0] <= x0) & (points[:, 1] <= y0)):  # the cell is dominated
            area += (x1 - x0) * (y1 - y0)
    return area


def test_objectives_parse_with_directions_and_bad_ones_are_named():
    parsed = parse_objectives(" accuracy:max, edgegpu_latency:min ")
    assert parsed == (Objective("accuracy", "max"), Objective("edgegpu_latency", "min"))
    assert parsed[0].primary and not parsed[1].primary
    assert minimisation_form(np.array([[90.0, 3.0]]), parsed).tolist() == [[-90.0, 3.0]]
    for bad, match in [
        ("accuracy", "NAME:max"),
        ("accuracy:up,latency:min", "NAME:max"),
        ("accuracy:max", "two or three"),
        ("a:max,b:min,c:min,d:min", "two or three"),
        ("latency:min,latency:max", "each objective once"),
        ("accuracy:max,value:max", "each objective once"),
    ]:
        with pytest.raises(ValueError, match=match):
            parse_objectives(bad)


def test_dominance_and_sorting_follow_the_definition():
    rng = np.random.default_rng(0)
    for dims in (2, 3):
        points = rng.integers(0, 6, size=(60, dims)).astype(float)  # with ties and copies
        np.testing.assert_array_equal(nondominated(points), ~dominated_by_definition(points))
        ranks = pareto_ranks(points)
        rest = np.ones(len(points), dtype=bool)
        for rank in range(ranks.max() + 1):  # peel fronts off one at a time
            front = np.flatnonzero(rest)[~dominated_by_definition(points[rest])]
            np.testing.assert_array_equal(np.flatnonzero(ranks == rank), front)
            rest[front] = False
        assert not rest.any()


def test_hypervolume_equals_the_dominated_area_and_its_curve_the_prefixes():
    rng = np.random.default_rng(1)
    reference = np.array([0.9, 0.8])
    points = rng.random((25, 2))
    assert hypervolume(points, reference) == pytest.approx(
        area_on_a_grid(points[np.all(points < reference, axis=1)], reference)
    )
    assert hypervolume(np.array([[0.95, 0.1]]), reference) == 0.0  # beyond the reference
    curve = hypervolume_curve(points, reference)
    expected = [hypervolume(points[: i + 1], reference) for i in range(len(points))]
    np.testing.assert_allclose(curve, expected)
    assert np.all(np.diff(curve) >= 0)
