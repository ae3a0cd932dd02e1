"""aligner: keeps the thread from company strategy through team objectives to the backlog."""

__version__ = "0.1.0"
