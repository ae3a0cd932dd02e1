"""Live mode: `aligner serve` keeps flags current from tracker webhooks (DESIGN §12)."""
