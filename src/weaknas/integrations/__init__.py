"""Integrations with other tools: Optuna (``weaknas[optuna]``), Ray (``weaknas[ray]``)."""
