"""``train:digits`` (kept for its import path): see ``weaknas.training.train_objective``."""

from weaknas.training.train_objective import DigitsObjective, TrainObjective

__all__ = ["DigitsObjective", "TrainObjective"]
