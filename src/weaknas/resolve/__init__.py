"""Names to objects, at the top of the package (only the command line is above): search
spaces (``load_space``), objectives (``make_objective``) and executors
(``make_executor``) by the names users give them, and ``weaknas.search``, which takes
every executor name. Lower layers never import this one."""

from weaknas.resolve.api import search
from weaknas.resolve.executors import make_executor
from weaknas.resolve.objectives import make_objective
from weaknas.resolve.spaces import load_space

__all__ = ["load_space", "make_executor", "make_objective", "search"]
