"""Evaluators: how a query measures one architecture (zero-cost proxies so far)."""
