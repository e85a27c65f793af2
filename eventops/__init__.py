"""eventops: attendance for large hybrid training events."""

__version__ = "0.1.0"
