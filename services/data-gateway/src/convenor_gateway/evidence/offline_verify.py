"""Verifying an audit log against a signed checkpoint: the logic behind ``convenor-gateway audit
verify`` (an export, offline) and ``POST /v1/audit/verify`` (the stored rows).

An export is JSON Lines, one entry per line in log order from index 0::

    {"index": 0, "entry": {...}, "leaf_hash": "<hex>", "chain_hash": "<hex>"}

One pass recomputes each entry's leaf hash from its canonical bytes, recomputes the chain, and
builds the Merkle root of the first ``tree_size`` leaves to compare with the checkpoint's
signed root. The report names the first bad entry:

- an edited entry or hash, a deleted, moved, repeated or inserted entry: its index (see
  :class:`~convenor_gateway.evidence.canonical.ChainBreak` for how each is told apart);
- the tail cut off after the checkpoint: the export's length, the first missing index;
- an entry rewritten together with its own leaf and chain hashes: the next entry no longer
  chains to it and the signed root disagrees, which names the rewritten entry;
- every entry from some point to the end rewritten consistently: the root disagrees but nothing
  in the export says where, so ``first_bad_index`` is ``None`` and the reason says so (an
  earlier checkpoint narrows it down).

Entries beyond the checkpoint's tree size are checked against the chain only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from convenor_gateway.evidence.canonical import ChainBreak, find_chain_break
from convenor_gateway.evidence.merkle import EMPTY_ROOT, CompactTree
from convenor_gateway.evidence.signed_note import Checkpoint, NoteError, verify_note

EXPORT_FIELDS = frozenset({"index", "entry", "leaf_hash", "chain_hash"})


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The outcome: ``checked`` entries were read; ``first_bad_index`` is None when ``ok``."""

    ok: bool
    checked: int
    first_bad_index: int | None
    reason: str
    tree_size: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """The report as ``POST /v1/audit/verify`` and the CLI print it."""
        return {
            "ok": self.ok,
            "checked": self.checked,
            "first_bad_index": self.first_bad_index,
            "reason": self.reason,
            "tree_size": self.tree_size,
        }


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Two values for one key would let a reader of the file and this verifier disagree.
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("a JSON object repeats a key")
    return result


_DECODER = json.JSONDecoder(object_pairs_hook=_unique_keys)


def read_export(lines: Iterable[str | bytes]) -> Iterator[dict[str, Any] | ValueError]:
    """The rows of a JSON Lines export; a line that cannot be read becomes a ``ValueError``.

    Blank lines are skipped.
    """
    for number, line in enumerate(lines, 1):
        try:
            text = line.decode("utf-8") if isinstance(line, bytes) else line
            if not text.strip():
                continue
            row = _DECODER.decode(text)
        except ValueError as exc:  # bad UTF-8 and bad JSON alike
            yield ValueError(f"line {number} is not JSON ({exc})")
            continue
        if not isinstance(row, dict) or row.keys() != EXPORT_FIELDS:
            yield ValueError(f"line {number} does not hold exactly {sorted(EXPORT_FIELDS)}")
            continue
        yield row


def verify_rows(rows: Iterable[Any], checkpoint: Checkpoint | None = None) -> VerifyReport:
    """Verify rows in log order from index 0 against a checkpoint already known to be signed.

    ``rows`` are mappings or objects with ``index``, ``entry`` (a JSON object, or the canonical
    bytes it is stored as), ``leaf_hash`` and ``chain_hash``. Without a checkpoint only the
    hashes and the chain are checked.
    """
    size = checkpoint.size if checkpoint is not None else None
    tree = CompactTree()
    append = tree.append
    read, limit = 0, size or 0

    def on_leaf(leaf: bytes | None) -> None:
        # Once per row of a log of millions: as little as can be.
        nonlocal read, limit
        read += 1
        if read <= limit:
            if leaf is None:
                limit = 0  # no root can be computed past an unreadable entry
            else:
                append(leaf)

    found = find_chain_break(rows, on_leaf=on_leaf)
    root: bytes | None = None
    if size == 0:
        root = EMPTY_ROOT
    elif size is not None and tree.size == size:
        root = tree.root()
    root_matches = None if root is None or checkpoint is None else root == checkpoint.root_hash
    limit = size if size is not None else read
    if found is not None:
        found = _with_root(found, root_matches, limit)
        if found.index < limit or size is None:
            return VerifyReport(False, read, found.index, found.reason, size)
    if size is not None and read < size:
        reason = f"the export ends after {read} entries but the checkpoint covers {size}"
        return VerifyReport(
            False, read, read, f"{reason}: entries from {read} on are missing", size
        )
    if root_matches is False:
        reason = (
            f"the Merkle root of the first {size} entries is not the signed root, yet every entry "
            "matches its stored hashes: entries were rewritten together with every hash after "
            "them, and this checkpoint cannot say which; verify against an earlier one"
        )
        return VerifyReport(False, read, None, reason, size)
    if found is not None:
        return VerifyReport(False, read, found.index, found.reason, size)
    covered = f"; the first {size} match the signed root" if size is not None else ""
    return VerifyReport(True, read, None, f"{read} entries verified{covered}", size)


def _with_root(found: ChainBreak, root_matches: bool | None, limit: int) -> ChainBreak:
    # An entry that chains to nothing before it: the signed root tells whether the entry
    # before it was rewritten (the root disagrees) or only its own chain hash (the root agrees).
    if found.kind != "unlinked" or root_matches is None or found.index > limit:
        return found
    p = found.index
    if root_matches:
        return ChainBreak(p, "chain_hash", f"the stored chain hash of entry {p} was altered")
    return ChainBreak(
        p - 1,
        "edited",
        f"entry {p - 1} was rewritten with recomputed hashes: entry {p} was chained after a "
        "different entry, and the signed root does not match",
    )


def verify_export(
    lines: Iterable[str | bytes],
    checkpoint_note: str,
    verifier_keys: Iterable[str],
    *,
    origin: str | None = None,
) -> VerifyReport:
    """Verify a JSON Lines export against a signed checkpoint note and trusted verifier keys."""
    try:
        checkpoint = verify_note(checkpoint_note, verifier_keys)
    except NoteError as exc:
        return VerifyReport(False, 0, None, f"the checkpoint does not verify: {exc}")
    if origin is not None and checkpoint.origin != origin:
        reason = f"the checkpoint is from log {checkpoint.origin!r}, not {origin!r}"
        return VerifyReport(False, 0, None, reason, checkpoint.size)
    return verify_rows(read_export(lines), checkpoint)
