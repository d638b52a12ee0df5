"""Integrations with other tools: Optuna (``weaknas[optuna]``), Ray (``weaknas[ray]``).

Each is imported on first use (``weaknas.integrations.optuna.WeakNASSampler``), so a
missing extra fails only where it is used."""

from typing import TYPE_CHECKING

from weaknas._lazy import lazy_attributes

if TYPE_CHECKING:  # what the lazy names are, for type checkers
    from weaknas.integrations import optuna as optuna
    from weaknas.integrations import ray as ray

__getattr__ = lazy_attributes("weaknas.integrations", {}, submodules=("optuna", "ray"))
