"""Evidence bundles: one request's story with the proofs that the signed audit log holds it,
verifiable offline with nothing but this module.

A bundle is RFC 8785 canonical JSON, served byte for byte as :func:`bundle_bytes` writes it::

    request           the request as last recorded in the log (a JSON object with "id")
    transitions       its transitions, in order
    delivery_hash     hex SHA-256 of the delivered plaintext, or null
    entries           [{index, entry, leaf_hash}]: the log entries about the request, in order
    inclusion_proofs  [{leaf_index, tree_size, audit_path: [hex]}]: one per entry, same order
    checkpoint        the signed checkpoint note the proofs lead to
    verifier_keys     the verifier keys that signed it

The gateway's audit entries bind the facts through these fields, and the verifier requires:

- ``request_id`` on every entry, equal to ``request["id"]``;
- ``request_hash`` (``record_hash`` of the request as recorded) on the entries that record the
  request's content; the last of them is the hash of the bundle's ``request``;
- ``transition_hash`` (``record_hash`` of the transition) on transition entries: in order,
  exactly the hashes of the bundle's ``transitions``;
- ``payload_hash`` on delivery entries: the last one is ``delivery_hash`` (and there is none
  when ``delivery_hash`` is null).

Each entry must hash to its leaf hash and each proof lead to the checkpoint's root, and every
signature on the checkpoint must be a valid one by a listed key, each listed key having signed.
Canonical form and strict parsing mean that changing any one byte of a bundle makes it fail.

Keys shipped in a bundle prove only that the bundle is self-consistent: pass the gateway's
published keys as ``trusted_keys`` to know it came from the gateway. And a bundle proves that
what it holds is in the log, not that nothing about the request was left out: for that, check
the log itself (``audit export`` filtered by request).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from convenor_gateway.evidence.canonical import canonical_bytes, entry_leaf_hash, record_hash
from convenor_gateway.evidence.merkle import ProofError, check_inclusion
from convenor_gateway.evidence.signed_note import (
    NoteError,
    parse_checkpoint,
    parse_verifier_key,
    verify_note,
)

BUNDLE_FIELDS = frozenset(
    {
        "request",
        "transitions",
        "delivery_hash",
        "entries",
        "inclusion_proofs",
        "checkpoint",
        "verifier_keys",
    }
)
_ENTRY_FIELDS = frozenset({"index", "entry", "leaf_hash"})
_PROOF_FIELDS = frozenset({"leaf_index", "tree_size", "audit_path"})
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class BundleReport:
    """The outcome; ``keys_pinned`` says whether the signature was checked against your keys."""

    ok: bool
    reason: str
    entries_checked: int = 0
    tree_size: int | None = None
    keys_pinned: bool = False


class _Invalid(Exception):
    pass


class InclusionProofs(Protocol):
    """Whatever gives audit paths: a :class:`~convenor_gateway.evidence.merkle.MerkleTree`, or the
    gateway's stored tree with the proofs it needs fetched beforehand."""

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]: ...


def build_bundle(
    request: Mapping[str, Any],
    transitions: Sequence[Mapping[str, Any]],
    delivery_hash: str | None,
    entries: Sequence[tuple[int, Mapping[str, Any], str]],
    tree: InclusionProofs,
    checkpoint_note: str,
    verifier_keys: Sequence[str],
) -> dict[str, Any]:
    """A bundle for ``(index, entry, leaf_hash)`` entries, proved against the checkpoint's size."""
    size = parse_checkpoint(checkpoint_note).size
    return {
        "request": dict(request),
        "transitions": [dict(t) for t in transitions],
        "delivery_hash": delivery_hash,
        "entries": [{"index": i, "entry": dict(e), "leaf_hash": h} for i, e, h in entries],
        "inclusion_proofs": [
            {
                "leaf_index": i,
                "tree_size": size,
                "audit_path": [p.hex() for p in tree.inclusion_proof(i, size)],
            }
            for i, _, _ in entries
        ],
        "checkpoint": checkpoint_note,
        "verifier_keys": list(verifier_keys),
    }


def bundle_bytes(bundle: Mapping[str, Any]) -> bytes:
    """The bytes to serve: the bundle's RFC 8785 canonical form."""
    return canonical_bytes(dict(bundle))


def verify_bundle(data: bytes | str, trusted_keys: Iterable[str] | None = None) -> BundleReport:
    """Verify a bundle's bytes offline; with ``trusted_keys``, only those keys may have signed."""
    pinned = trusted_keys is not None
    try:
        bundle = _parse(data.encode("utf-8") if isinstance(data, str) else data)
        keys = _keys(bundle["verifier_keys"], trusted_keys)
        checkpoint = verify_note(_typed(bundle["checkpoint"], str, "checkpoint"), keys, strict=True)
        signers = {f"{k.name}+{k.key_id.hex()}" for k in map(parse_verifier_key, keys)}
        if signers != set(checkpoint.verified_by):
            raise _Invalid("a listed verifier key did not sign the checkpoint")
        entries = _entries(bundle["entries"])
        _proofs(bundle["inclusion_proofs"], entries, checkpoint.size, checkpoint.root_hash)
        _facts(bundle, [entry for _, entry in entries])
    except (_Invalid, NoteError) as exc:
        return BundleReport(False, str(exc), keys_pinned=pinned)
    reason = f"{len(entries)} entries are in the log signed at tree size {checkpoint.size}"
    return BundleReport(True, reason, len(entries), checkpoint.size, pinned)


def _typed(value: Any, kind: type, what: str) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _Invalid(f"{what} is not a {kind.__name__}")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("a JSON object repeats a key")
    return result


def _parse(raw: bytes) -> dict[str, Any]:
    try:
        bundle = json.loads(raw, object_pairs_hook=_unique_keys)
        canonical = canonical_bytes(bundle)
    except ValueError as exc:  # bad UTF-8, bad JSON, a number RFC 8785 cannot write
        raise _Invalid(f"the bundle is not valid JSON: {exc}") from None
    # One spelling only: whitespace, escapes or key order changed is a changed bundle.
    if raw not in (canonical, canonical + b"\n"):
        raise _Invalid("the bundle is not in RFC 8785 canonical form")
    if not isinstance(bundle, dict) or bundle.keys() != BUNDLE_FIELDS:
        raise _Invalid(f"a bundle is an object with exactly {sorted(BUNDLE_FIELDS)}")
    return bundle


def _keys(listed: Any, trusted: Iterable[str] | None) -> list[str]:
    keys: list[str] = _typed(listed, list, "verifier_keys")
    if not keys or not all(isinstance(k, str) for k in keys) or len(set(keys)) != len(keys):
        raise _Invalid("verifier_keys is a non-empty list of distinct key strings")
    if trusted is not None and not set(keys) <= set(trusted):
        raise _Invalid("the bundle lists a verifier key you do not trust")
    return keys


def _entries(listed: Any) -> list[tuple[int, dict[str, Any]]]:
    entries: list[tuple[int, dict[str, Any]]] = []
    for n, item in enumerate(_typed(listed, list, "entries")):
        if not isinstance(item, dict) or item.keys() != _ENTRY_FIELDS:
            raise _Invalid(f"entry {n} is not an object with exactly {sorted(_ENTRY_FIELDS)}")
        index = _typed(item["index"], int, f"entry {n}'s index")
        entry = _typed(item["entry"], dict, f"entry {n}'s entry")
        if index < 0 or (entries and index <= entries[-1][0]):
            raise _Invalid(f"entry {n} is out of order")
        if entry_leaf_hash(entry).hex() != item["leaf_hash"]:
            raise _Invalid(f"entry {index} does not hash to its leaf hash")
        entries.append((index, entry))
    if not entries:
        raise _Invalid("a bundle holds at least one entry")
    return entries


def _proofs(listed: Any, entries: list[tuple[int, dict[str, Any]]], size: int, root: bytes) -> None:
    proofs = _typed(listed, list, "inclusion_proofs")
    if len(proofs) != len(entries):
        raise _Invalid("there must be one inclusion proof per entry")
    for (index, entry), proof in zip(entries, proofs, strict=True):
        if not isinstance(proof, dict) or proof.keys() != _PROOF_FIELDS:
            raise _Invalid(f"the proof for entry {index} is not {sorted(_PROOF_FIELDS)}")
        if proof["leaf_index"] != index or type(proof["leaf_index"]) is not int:
            raise _Invalid(f"the proof for entry {index} is for another leaf")
        if proof["tree_size"] != size or type(proof["tree_size"]) is not int:
            raise _Invalid(f"the proof for entry {index} is not for the checkpoint's tree size")
        path = _typed(proof["audit_path"], list, f"the audit path of entry {index}")
        if not all(isinstance(h, str) and _HEX64.fullmatch(h) for h in path):
            raise _Invalid(f"the audit path of entry {index} is not a list of hex hashes")
        try:
            check_inclusion(
                entry_leaf_hash(entry), index, size, [bytes.fromhex(h) for h in path], root
            )
        except ProofError as exc:
            raise _Invalid(str(exc)) from None


def _facts(bundle: dict[str, Any], entries: list[dict[str, Any]]) -> None:
    request = _typed(bundle["request"], dict, "request")
    request_id = _typed(request.get("id"), str, "the request's id")
    if any(entry.get("request_id") != request_id for entry in entries):
        raise _Invalid("an entry is about another request")
    recorded = [e["request_hash"] for e in entries if "request_hash" in e]
    if not recorded or recorded[-1] != record_hash(request):
        raise _Invalid("the request is not the one last recorded in the log")
    transitions = _typed(bundle["transitions"], list, "transitions")
    logged = [e["transition_hash"] for e in entries if "transition_hash" in e]
    if logged != [record_hash(t) for t in transitions]:
        raise _Invalid("the transitions are not the ones the log records, in that order")
    delivery_hash = bundle["delivery_hash"]
    if delivery_hash is not None and not (
        isinstance(delivery_hash, str) and _HEX64.fullmatch(delivery_hash)
    ):
        raise _Invalid("delivery_hash is null or a hex SHA-256")
    payloads = [e["payload_hash"] for e in entries if "payload_hash" in e]
    if delivery_hash is None and payloads:
        raise _Invalid("the log records a delivery the bundle does not state")
    if delivery_hash is not None and (not payloads or payloads[-1] != delivery_hash):
        raise _Invalid("the delivery hash is not the one the log records")
