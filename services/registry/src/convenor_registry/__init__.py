"""Convenor registry: the partnership and meeting catalogue, the directory of organisations,
and the token issuer."""

__version__ = "0.1.0"
