"""Helpers for testing weaknas and code built on it (importable by worker processes)."""
