"""`GET /metrics`: the service's counters in the Prometheus text format.

Each service has its own registry (not the process-wide default), so several services in one
process (tests, benchmarks) never share counts.
"""

from __future__ import annotations

from collections.abc import Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

CONTENT_TYPE = CONTENT_TYPE_LATEST


class ServeMetrics:
    """Everything `aligner serve` counts, by tracker (source) where that helps."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.received = Counter("aligner_events_received", "Webhook deliveries accepted",
                                ["tracker"], registry=r)
        self.rejected = Counter("aligner_events_rejected", "Webhook deliveries refused",
                                ["tracker", "reason"], registry=r)
        self.queue_depth = Gauge("aligner_queue_depth", "Items waiting to be re-read",
                                 registry=r)
        self.evaluations = Counter("aligner_evaluations", "Items evaluated", registry=r)
        self.writes = Counter("aligner_writes", "Write requests sent to trackers",
                              ["tracker"], registry=r)
        self.write_failures = Counter("aligner_write_failures", "Tickets whose write failed",
                                      ["tracker"], registry=r)
        self.tracker_errors = Counter("aligner_tracker_errors",
                                      "Tracker reads or writes that failed", ["tracker"],
                                      registry=r)
        self.reconciles = Counter("aligner_reconciles", "Periodic incremental syncs run",
                                  registry=r)
        self.mirror_items = Gauge("aligner_mirror_items", "Items held in the backlog mirror",
                                  registry=r)
        self.aligned_share = Gauge("aligner_aligned_share",
                                   "Share of a team's open items that trace to an objective",
                                   ["team"], registry=r)
        self.latency = Histogram("aligner_event_to_flag_seconds",
                                 "From a delivery to its item's flags being written or "
                                 "found right", registry=r,
                                 buckets=(0.5, 1, 2, 3, 5, 10, 30, 60, 300))
        self.ready = Gauge("aligner_ready", "1 once the mirror is loaded", registry=r)

    def set_shares(self, shares: Mapping[str, float]) -> None:
        """Replace the per-team aligned shares (teams that left are dropped)."""
        self.aligned_share.clear()
        for team, share in shares.items():
            self.aligned_share.labels(team=team).set(share)

    def text(self) -> bytes:
        """The exposition, as `GET /metrics` serves it."""
        return generate_latest(self.registry)
