"""Search spaces: what an architecture is, how to enumerate, print, parse and encode it."""

from weaknas.spaces.base import FiniteSpace
from weaknas.spaces.categorical import CategoricalSpace
from weaknas.spaces.darts import DartsSpace
from weaknas.spaces.mobilenetv3 import MobileNetV3Space
from weaknas.spaces.nb201 import NB201Space
from weaknas.spaces.pool import PoolSpace

__all__ = [
    "CategoricalSpace",
    "DartsSpace",
    "FiniteSpace",
    "MobileNetV3Space",
    "NB201Space",
    "PoolSpace",
]
