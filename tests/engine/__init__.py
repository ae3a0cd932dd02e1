"""Tests of aligner.engine, one module per engine module."""
