"""Gradient-boosted trees (LightGBM): the fast default weak predictor."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np

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
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X, y) -> LGBMPredictor:
        X, y = self._check_fit_input(X, y)
        params = {
            "objective": "regression",
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
        data = lgb.Dataset(X, label=y, params={"verbosity": -1, "min_data_in_bin": 1})
        self.booster_ = lgb.train(params, data, num_boost_round=self.n_estimators)
        self._tables: TreeTables | None | bool = False  # compiled on first large predict
        return self

    def predict(self, X) -> np.ndarray:
        X = np.asarray(X)
        large_integer = np.issubdtype(X.dtype, np.integer) and len(X) >= self.TABLE_MIN_ROWS
        if large_integer and self.tables_ is not None:
            return self.tables_.predict(X)
        return self.booster_.predict(np.asarray(X, dtype=np.float32), num_threads=self.n_jobs)

    @property
    def tables_(self) -> TreeTables | None:
        """The fitted trees as lookup tables (None if some tree cannot be one)."""
        if self._tables is False:
            self._tables = TreeTables.compile(self.booster_)
        return self._tables


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
        """Tables for every tree, or None if some tree does not qualify."""
        trees = []
        for info in booster.dump_model()["tree_info"]:
            root = info["tree_structure"]
            conditions: list[tuple[int, float]] = []
            if not cls._collect(root, conditions) or len(conditions) > cls.MAX_CONDITIONS:
                return None
            table = np.empty(2 ** len(conditions))
            patterns = np.arange(len(table))
            cls._fill(root, conditions, patterns, np.ones(len(table), dtype=bool), table)
            trees.append((conditions, table))
        return cls(trees)

    @staticmethod
    def _fill(node: dict, conditions, patterns, reaches: np.ndarray, table: np.ndarray) -> None:
        """Write each leaf's value at the patterns whose conditions lead to it."""
        if "leaf_value" in node:
            table[reaches] = node["leaf_value"]
            return
        bit = conditions.index((node["split_feature"], node["threshold"]))
        goes_left = ((patterns >> bit) & 1).astype(bool)
        TreeTables._fill(node["left_child"], conditions, patterns, reaches & goes_left, table)
        TreeTables._fill(node["right_child"], conditions, patterns, reaches & ~goes_left, table)

    @staticmethod
    def _collect(node: dict, conditions: list[tuple[int, float]]) -> bool:
        """Gather a tree's distinct conditions; False for splits a table cannot express."""
        if "leaf_value" in node:
            return True
        if node["decision_type"] != "<=":  # categorical split
            return False
        key = (node["split_feature"], node["threshold"])
        if key not in conditions:
            conditions.append(key)
        return TreeTables._collect(node["left_child"], conditions) and TreeTables._collect(
            node["right_child"], conditions
        )

    def predict(self, X: np.ndarray) -> np.ndarray:
        out = np.zeros(len(X))
        pattern = np.empty(len(X), dtype=np.uint16)
        for conditions, table in self.trees:
            pattern[:] = 0
            for bit, (feature, threshold) in enumerate(conditions):
                pattern |= (X[:, feature] <= threshold).astype(np.uint16) << bit
            out += table[pattern]
        return out
