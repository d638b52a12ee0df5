import json

import numpy as np
import pytest

from weaknas.spaces.categorical import CategoricalSpace

CHOICES = {"depth": [2, 4, 8], "width": [16, 32, 64], "act": ["relu", "gelu"]}


def test_small_space_is_enumerated_with_the_constraint():
    space = CategoricalSpace(CHOICES, constraint=lambda c: c["depth"] * c["width"] <= 256)
    assert space.enumerated
    configs = [space.config(i) for i in range(space.size)]
    assert len(configs) == 3 * 3 * 2 - 2  # depth 8 with width 64 (either act) is dropped
    assert all(c["depth"] * c["width"] <= 256 for c in configs)
    for i in range(space.size):
        assert space.index_of(space.config(i)) == i
        assert space.from_string(space.to_string(i)) == i
        assert space.from_choices(space.to_choices(i)) == i
    assert json.loads(space.to_string(0)) == {"depth": 2, "width": 16, "act": "relu"}


def test_encodings_one_hot_strings_and_keep_numbers():
    space = CategoricalSpace(CHOICES)
    auto = space.encode("auto")
    assert auto.shape == (18, 1 + 1 + 2) and auto.dtype == np.float32
    row = space.index_of({"depth": 8, "width": 32, "act": "gelu"})
    np.testing.assert_array_equal(auto[row], [8, 32, 0, 1])
    onehot = space.encode("onehot")
    assert onehot.dtype == np.uint8 and onehot.shape == (18, 8) and (onehot.sum(1) == 3).all()
    np.testing.assert_array_equal(space.encode("ordinal")[row], [2, 1, 1])


def test_neighbours_differ_in_one_choice_and_respect_the_constraint():
    space = CategoricalSpace(CHOICES, constraint=lambda c: c["depth"] * c["width"] <= 256)
    start = space.index_of({"depth": 4, "width": 64, "act": "relu"})
    neighbours = [space.config(n) for n in space.neighbours(start)]
    assert {"depth": 8, "width": 64, "act": "relu"} not in neighbours  # violates
    assert {"depth": 2, "width": 64, "act": "relu"} in neighbours
    assert all(
        sum(a != b for a, b in zip(n.values(), space.config(start).values(), strict=True)) == 1
        for n in neighbours
    )
    assert len(neighbours) == 1 + 2 + 1


def test_large_space_is_a_seeded_pool_of_valid_distinct_configs():
    choices = {f"layer{i}": ["conv3", "conv5", "pool", "skip"] for i in range(12)}  # 16.7M

    def few_pools(c):
        return list(c.values()).count("pool") <= 2

    space = CategoricalSpace(choices, constraint=few_pools, pool_size=5000, seed=3)
    assert not space.enumerated and space.size == 5000
    assert len({tuple(r) for r in space.codes.tolist()}) == 5000
    assert all(few_pools(space.config(i)) for i in range(0, 5000, 97))
    again = CategoricalSpace(choices, constraint=few_pools, pool_size=5000, seed=3)
    np.testing.assert_array_equal(space.codes, again.codes)
    outside = {f"layer{i}": "pool" for i in range(12)}
    with pytest.raises(ValueError, match="not in the candidate pool"):
        space.index_of(outside)


@pytest.mark.parametrize(
    "choices, message",
    [
        ({}, "non-empty dict"),
        ({"a": []}, "non-empty list"),
        ({"a": "abc"}, "non-empty list"),
        ({"a": [1, 1]}, "twice"),
        ({"a": [[1, 2]]}, "must be a str, number"),
    ],
)
def test_bad_declarations_are_named(choices, message):
    with pytest.raises(ValueError, match=message):
        CategoricalSpace(choices)


def test_bad_configs_and_constraints_are_named():
    space = CategoricalSpace(CHOICES)
    with pytest.raises(ValueError, match="unknown keys \\['dropout'\\]"):
        space.index_of({"depth": 2, "width": 16, "act": "relu", "dropout": 0.1})
    with pytest.raises(ValueError, match="width=17 is not one of"):
        space.index_of({"depth": 2, "width": 17, "act": "relu"})
    with pytest.raises(ValueError, match="not a JSON object"):
        space.from_string("depth=2")
    with pytest.raises(ValueError, match="no combination"):
        CategoricalSpace(CHOICES, constraint=lambda c: False)
    with pytest.raises(ValueError, match="the constraint failed"):
        CategoricalSpace(CHOICES, constraint=lambda c: c["missing"])
