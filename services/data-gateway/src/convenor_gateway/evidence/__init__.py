"""The gateway's evidence library: pure code (no database, no web framework, no I/O) that the
service and its CLI wire in.

Audit log
- ``merkle``: RFC 9162 Merkle tree over leaf hashes; roots, inclusion and consistency proofs.
- ``canonical``: RFC 8785 bytes of an audit entry, its leaf hash, the hash chain, and naming
  the first bad row of a stored log.
- ``signed_note``: checkpoints as C2SP signed notes with Ed25519 keys; verifier keys.
- ``offline_verify``: an export (or the stored rows) checked against a signed checkpoint.
- ``evidence_bundle``: one request's entries, proofs and checkpoint, built and verified.

Deliveries
- ``envelope``: chunked AES-256-GCM encryption of a payload under a fresh data key.
- ``key_ring``: key-encryption keys that wrap data keys, with rotation and a KMS hook.
- ``table_stream``: incremental CSV and JSON-array readers over byte chunks.
- ``identifiers``: detectors for direct identifiers (NHS numbers, postcodes, ...).
- ``delivery_checks``: a delivery checked against what was approved, row by row.
"""
