"""aligner's built-in tracker adapters (installed as `aligner_adapters`)."""
