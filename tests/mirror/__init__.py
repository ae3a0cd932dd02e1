"""Tests of aligner.mirror: the local state store."""
