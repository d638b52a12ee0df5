"""Gradient-boosted trees (LightGBM): the fast default weak predictor."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd

from weaknas.predictors.base import WeakPredictor


class LGBMPredictor(WeakPredictor):
    """LightGBM regressor tuned for tiny training sets (10 to a few thousand rows).

    Deliberately weak: 30 trees of at most 7 leaves. On NB201 (40 seeds, cifar10) this
    needed no more queries to the optimum than 50 or 100 trees of 15 leaves, and ranks
    the whole space 5x faster; stumps (purely additive) did much worse
    (``benchmarks/sample_efficiency.py`` and the issue notes hold the numbers).
    ``min_child_samples`` is small because WeakNAS fits on as few as 10 samples; the
    library default (20) would grow no tree at all there. One thread and
    ``deterministic`` make the result the same on every machine for one seed.
    """

    #: Learning-to-rank objectives (``objective``): fitted to relevance grades of the
    #: observed values' ranks (``RANK_GRADES`` levels, best highest) as one query group,
    #: so the trees learn the order, the top most (LambdaRank weighs a pair's swap by its
    #: change to NDCG), instead of the values.
    RANKING_OBJECTIVES = ("lambdarank", "rank_xendcg")
    RANK_GRADES = 31  # LightGBM's default label_gain has 31 levels

    # Compiling lookup tables costs about a millisecond; it pays off only when ranking
    # many rows (a whole space), not for a few candidates.
    TABLE_MIN_ROWS = 2000

    def __init__(
        self,
        n_estimators: int = 30,
        learning_rate: float = 0.3,
        num_leaves: int = 7,
        min_child_samples: int = 2,
        subsample: float = 0.8,
        colsample_bytree: float = 0.9,
        random_state: int = 0,
        n_jobs: int = 1,
        objective: str = "regression",
    ) -> None:
        if objective != "regression" and objective not in self.RANKING_OBJECTIVES:
            raise ValueError(
                f"unknown objective {objective!r}; expected regression or one of "
                f"{self.RANKING_OBJECTIVES}"
            )
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.objective = objective

    def fit(self, X, y) -> LGBMPredictor:
        X, y = self._check_fit_input(X, y)
        params = {
            "objective": self.objective,
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_data_in_leaf": self.min_child_samples,
            "min_data_in_bin": 1,
            "bagging_fraction": self.subsample,
            "bagging_freq": 1 if self.subsample < 1.0 else 0,
            "feature_fraction": self.colsample_bytree,
            "seed": int(self.random_state),
            "num_threads": self.n_jobs,
            "deterministic": True,
            "force_row_wise": True,
            "verbosity": -1,
        }
        group = None
        if self.objective in self.RANKING_OBJECTIVES:
            y, group = self._grades(y), [len(y)]
        data = lgb.Dataset(X, label=y, group=group, params={"verbosity": -1, "min_data_in_bin": 1})
        # keep_training_booster: skips a text round trip of the model (same predictions)
        self.booster_ = lgb.train(
            params, data, num_boost_round=self.n_estimators, keep_training_booster=True
        )
        self._tables: TreeTables | None | bool = False  # compiled on first large predict
        return self

    @classmethod
    def _grades(cls, y: np.ndarray) -> np.ndarray:
        """Relevance grades 0..RANK_GRADES-1 of ``y`` by rank (ties share a grade)."""
        ranks = pd.Series(y).rank(method="average").to_numpy()  # 1 .. n, the best n
        return np.floor((ranks - 1) / len(y) * cls.RANK_GRADES).astype(np.int32)

    def predict(self, X) -> np.ndarray:
        X = np.asarray(X)
        large_integer = np.issubdtype(X.dtype, np.integer) and len(X) >= self.TABLE_MIN_ROWS
        tables = self.tables_ if large_integer else None
        if tables is not None:
            return tables.predict(X)
        return np.asarray(
            self.booster_.predict(np.asarray(X, dtype=np.float32), num_threads=self.n_jobs)
        )

    @property
    def tables_(self) -> TreeTables | None:
        """The fitted trees as lookup tables (None if some tree cannot be one)."""
        if self._tables is False:
            self._tables = TreeTables.compile(self.booster_)
        return self._tables if isinstance(self._tables, TreeTables) else None


class TreeTables:
    """A LightGBM model of small trees as lookup tables: ranks a whole space 3-5x faster.

    A tree with k distinct split conditions (``x[f] <= t``) maps each row to one of 2^k
    condition patterns, so its output is ``table[pattern]``. For integer features (the
    uint8 encodings of our spaces) a pattern costs k column compares, which on NB101's
    423,624 cells is several times faster than LightGBM's row-by-row traversal, and the
    result is exactly LightGBM's (same comparisons, same summation order; tested).
    Integer features cannot be NaN, so LightGBM's missing-value rules never apply.
    """

    MAX_CONDITIONS = 12  # tables of at most 4096 entries per tree

    def __init__(self, trees: list[tuple[list[tuple[int, float]], np.ndarray]]) -> None:
        self.trees = trees

    @classmethod
    def compile(cls, booster: lgb.Booster) -> TreeTables | None:
        """Tables for every tree, or None if some tree does not qualify.

        Read from LightGBM's text model (``model_to_string``): parsing its arrays is
        several times faster than its JSON dump, which dominated ensemble runs.
        """
        trees = []
        for block in booster.model_to_string().split("\nTree=")[1:]:
            tree = cls._compile_tree(_tree_fields(block))
            if tree is None:
                return None
            trees.append(tree)
        return cls(trees)

    @classmethod
    def _compile_tree(cls, fields: dict[str, str]) -> tuple | None:
        """(conditions, table) of one tree; None for splits a table cannot express."""
        leaf_values = np.array(fields["leaf_value"].split(), dtype=np.float64)
        if int(fields["num_leaves"]) == 1:
            return [], leaf_values[:1]
        decision = np.array(fields["decision_type"].split(), dtype=np.int64)
        # bit 0: categorical split; bits 2-3: missing-value type (1 = zero as missing)
        if (decision & 1).any() or ((decision >> 2) & 3 == 1).any():
            return None
        features = [int(f) for f in fields["split_feature"].split()]
        thresholds = [float(t) for t in fields["threshold"].split()]
        left = [int(c) for c in fields["left_child"].split()]
        right = [int(c) for c in fields["right_child"].split()]
        conditions: list[tuple[int, float]] = []
        bit_of: dict[int, int] = {}  # internal node -> its condition's bit
        for node in _preorder(left, right):  # the condition order of the JSON walk
            key = (features[node], thresholds[node])
            if key not in conditions:
                conditions.append(key)
            bit_of[node] = conditions.index(key)
        if len(conditions) > cls.MAX_CONDITIONS:
            return None
        table = np.empty(2 ** len(conditions))
        for pattern in range(len(table)):  # at most 4,096 short walks, usually 64
            node = 0
            while node >= 0:
                node = left[node] if pattern >> bit_of[node] & 1 else right[node]
            table[pattern] = leaf_values[~node]  # leaves are stored as ~leaf
        return conditions, table

    def predict(self, X: np.ndarray) -> np.ndarray:
        out = np.zeros(len(X))
        pattern = np.empty(len(X), dtype=np.uint16)
        shifted = np.empty(len(X), dtype=np.uint16)
        masks: dict[tuple[int, float], np.ndarray] = {}  # trees share most conditions
        for conditions, table in self.trees:
            pattern[:] = 0
            for bit, key in enumerate(conditions):
                mask = masks.get(key)
                if mask is None:
                    mask = masks[key] = (X[:, key[0]] <= key[1]).astype(np.uint16)
                np.left_shift(mask, bit, out=shifted)
                pattern |= shifted
            out += table[pattern]
        return out


def _tree_fields(block: str) -> dict[str, str]:
    """``key=value`` lines of one tree of LightGBM's text model."""
    fields = {}
    for line in block.split("\n"):
        key, sep, value = line.partition("=")
        if sep:
            fields[key] = value
    return fields


def _preorder(left: list[int], right: list[int]) -> list[int]:
    """Internal nodes depth first, left child before right."""
    order, stack = [], [0]
    while stack:
        node = stack.pop()
        if node >= 0:
            order.append(node)
            stack += [right[node], left[node]]
    return order
