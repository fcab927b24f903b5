"""Convenor analytics: effectiveness and efficiency indicators over the registry and the data
gateway, and the periodic landscape review report."""

__version__ = "0.1.0"
