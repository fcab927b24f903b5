"""Convenor data gateway: logged, purpose-bound data requests between a policing body and its
partner agencies, with their legal gateway, encrypted delivery, retention and a verifiable
audit log."""

__version__ = "0.1.0"
