"""Errors that name what the user has to fix."""


class DataFileError(ValueError):
    """A benchmark data file is missing, truncated or not in the expected format."""

    def __init__(self, path: object, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem
