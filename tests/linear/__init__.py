"""Tests of the Linear adapter."""
