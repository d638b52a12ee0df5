"""From a search to a model: the network of a searched architecture, built and written as
a file that says what it is (``weaknas export``)."""

from weaknas.export.files import FORMATS, load_torch, metadata, read_metadata, write_network
from weaknas.export.networks import BUILT_IN, Network, build_network

__all__ = [
    "BUILT_IN",
    "FORMATS",
    "Network",
    "build_network",
    "load_torch",
    "metadata",
    "read_metadata",
    "write_network",
]
