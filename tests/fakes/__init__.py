"""Stateful fakes of the trackers, built on `responses`, for tests and benchmarks."""
