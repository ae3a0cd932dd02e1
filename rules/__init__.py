"""aligner's built-in rules (installed as `aligner_rules`), registered through entry points."""
