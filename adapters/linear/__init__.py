"""aligner's Linear adapter (entry point `linear`)."""

from .adapter import LinearAdapter
from .settings import LinearSettings

__all__ = ["LinearAdapter", "LinearSettings"]
