"""Search spaces: what an architecture is, how to enumerate, print, parse and encode it."""

from weaknas.spaces.base import FiniteSpace
from weaknas.spaces.categorical import CategoricalSpace
from weaknas.spaces.nb201 import NB201Space

__all__ = ["CategoricalSpace", "FiniteSpace", "NB201Space"]
