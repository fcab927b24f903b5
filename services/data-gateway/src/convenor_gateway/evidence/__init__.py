"""The gateway's evidence library: pure code (no database, no web framework) that the service
wires in.

- ``merkle``: RFC 9162 Merkle tree over leaf hashes; roots, inclusion and consistency proofs.
- ``canonical``: RFC 8785 bytes of an audit entry, its leaf hash, the hash chain, and finding
  the first bad row of a stored log.
- ``signed_note``: checkpoints as C2SP signed notes with Ed25519 keys, and verifier keys.
"""
