"""Reproducible performance measurements (DESIGN §10). Scripts that print figures, not tests."""
