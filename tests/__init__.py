"""aligner's test suite (a package, so test modules and fakes import as `tests.…`)."""
