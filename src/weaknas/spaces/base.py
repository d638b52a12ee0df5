"""The protocol every enumerable search space follows.

Architectures are identified by an integer index ``0 .. size-1``. Strategies work on
indices and on the feature matrix; strings are for people and files.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

MAX_MUTATION_TRIES = 100  # invalid combinations drawn before one edit is taken instead


class FiniteSpace(ABC):
    """A search space small enough to enumerate and encode as one array."""

    name: str

    @property
    @abstractmethod
    def size(self) -> int:
        """Number of architectures in the space."""

    @abstractmethod
    def to_string(self, index: int) -> str:
        """The canonical text form of architecture ``index``."""

    def fingerprint(self) -> str:
        """Name, size and a digest of the features: a resumed run checks it has the same space."""
        import hashlib

        features = np.ascontiguousarray(self.encode(self.search_encoding))
        digest = hashlib.sha1(features.tobytes()).hexdigest()[:16]
        return f"{self.name}:{self.size}:{digest}"

    def architecture(self, index: int) -> object:
        """What a user's objective receives for ``index`` (the text form by default)."""
        return self.to_string(index)

    @abstractmethod
    def from_string(self, text: str) -> int:
        """Parse a text form; raises ``ValueError`` naming the bad part."""

    @abstractmethod
    def _encode_all(self, encoding: str) -> np.ndarray:
        """Feature matrix of the whole space in ``encoding``, one row per index."""

    #: Encodings this space offers; the first is the standard one (``features``).
    encodings: tuple[str, ...] = ()
    #: The encoding predictor-based strategies use unless told otherwise.
    search_encoding: str = ""

    def encode(self, encoding: str | None = None) -> np.ndarray:
        """Feature matrix (``size`` x ``n_features``), built once and read-only.

        Binary and count encodings are kept as ``uint8`` or ``uint16`` (4x or 2x smaller;
        large spaces need that), everything else as ``float32``. Predictors convert batches
        as needed.
        """
        encoding = encoding or self.encodings[0]
        if encoding not in self.encodings:
            raise ValueError(
                f"{self.name}: unknown encoding {encoding!r}; expected one of {self.encodings}"
            )
        cache = self.__dict__.setdefault("_encoded", {})
        if encoding not in cache:
            matrix = self._encode_all(encoding)
            if matrix.dtype in (np.bool_, np.uint8):
                dtype: type = np.uint8
            elif matrix.dtype == np.uint16:
                dtype = np.uint16
            else:
                dtype = np.float32
            # Column-major: tree predictors read whole feature columns (TreeTables).
            matrix = np.asfortranarray(matrix, dtype=dtype)
            matrix.setflags(write=False)
            cache[encoding] = matrix
        return cache[encoding]

    @property
    def features(self) -> np.ndarray:
        """The standard encoding of the whole space."""
        return self.encode()

    def known_metrics(self) -> dict[str, np.ndarray]:
        """Costs computable before any evaluation, per architecture index (analytic FLOPs
        and parameters); every evaluation row records them. None by default."""
        return {}

    def neighbours(self, index: int) -> list[int]:
        """Architectures one edit away from ``index`` (for evolution and local search)."""
        raise NotImplementedError(f"{self.name} has no neighbourhood")

    def mutate(self, index: int, rng: np.random.Generator) -> int:
        """A random neighbour of ``index``."""
        return int(rng.choice(self.neighbours(index)))

    #: How many choices BANANAS's mutation spreads its rate over (``mutate_at_rate``);
    #: None: all of the space's choices.
    mutation_spots: int | None = None

    def mutate_at_rate(self, index: int, rng: np.random.Generator, rate: float = 1.0) -> int:
        """BANANAS's mutation (White et al., 2021; their naszilla code): each choice changes,
        with probability ``rate / mutation_spots``, to another of its options, so several
        may change at once. The result may be ``index`` itself (BANANAS's candidates drop
        repeats). A space without a categorical form mutates one edit (``mutate``)."""
        try:
            options = [len(values) for values in self.choices().values()]
        except NotImplementedError:
            return self.mutate(index, rng)
        probability = min(1.0, rate / (self.mutation_spots or len(options)))
        codes = self.to_choices(index)
        for _ in range(MAX_MUTATION_TRIES):
            changed = [
                int((code + rng.integers(1, count)) % count)
                if count > 1 and rng.random() < probability
                else code
                for code, count in zip(codes, options, strict=True)
            ]
            try:
                return self.from_choices(changed)
            except ValueError:  # a combination the space does not hold: draw again
                continue
        return self.mutate(index, rng)

    def choices(self) -> dict[str, tuple]:
        """The space as named categorical choices, for samplers that need them (TPE)."""
        raise NotImplementedError(f"{self.name} has no categorical form")

    def to_choices(self, index: int) -> tuple[int, ...]:
        """Position of each choice of architecture ``index`` (same order as ``choices``)."""
        raise NotImplementedError(f"{self.name} has no categorical form")

    def from_choices(self, codes) -> int:
        """Inverse of ``to_choices``."""
        raise NotImplementedError(f"{self.name} has no categorical form")

    def check_index(self, index: int) -> int:
        """Return ``index`` as int, or raise ``ValueError`` if it is not in the space."""
        if isinstance(index, bool) or not isinstance(index, int | np.integer):
            raise ValueError(f"{self.name}: architecture index must be an integer, got {index!r}")
        if not 0 <= int(index) < self.size:
            raise ValueError(
                f"{self.name}: architecture index {index} out of range 0..{self.size - 1}"
            )
        return int(index)
