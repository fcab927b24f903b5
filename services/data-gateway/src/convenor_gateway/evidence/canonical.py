"""Audit entries as bytes and hashes, and the hash chain that links them.

The gateway stores each audit entry as a row of exactly these columns::

    index       0, 1, 2, ... its position in the log
    entry       a JSON object of identifiers and hashes, never personal data
    leaf_hash   hex SHA-256(0x00 || canonical_bytes(entry))         (the RFC 9162 leaf)
    chain_hash  hex SHA-256(chain_hash[index - 1] || leaf_hash[index]),
                with chain_hash[-1] = 32 zero bytes and both hashes as raw bytes

``canonical_bytes`` is RFC 8785 (the JSON Canonicalization Scheme), so anyone can recompute a
leaf from the entry object alone. Hex is lower case; a stored hash in any other spelling does
not match.

:func:`find_chain_break` walks rows in log order and names the first bad one, telling an edited
entry, an edited hash, a deletion, a move, an insertion and a repeated entry apart (see
:class:`ChainBreak`). It recognises an inserted run by the chain hash of the genuine entry that
follows it, looking back up to ``lookback`` entries.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import rfc8785

from convenor_gateway.evidence.merkle import leaf_hash

GENESIS_CHAIN_HASH = bytes(32)
DEFAULT_LOOKBACK = 65_536
_MAX_SAFE_INTEGER = 2**53 - 1
_ROW_FIELDS = ("index", "entry", "leaf_hash", "chain_hash")


def _is_plain(value: Any) -> bool:
    # Values whose canonical form the standard library's JSON encoder already writes: strings,
    # safe integers, booleans, null, and lists and objects of those. Floats differ (RFC 8785
    # prints numbers as ECMAScript does) and keys beyond the BMP sort differently in UTF-16.
    # A loop rather than recursion: this runs once per entry when verifying millions.
    pending = [value]
    while pending:
        item = pending.pop()
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is int:
            if not -_MAX_SAFE_INTEGER <= item <= _MAX_SAFE_INTEGER:
                return False
        elif kind is dict:
            try:
                ascii_keys = "".join(item).isascii()
            except TypeError:  # a key that is not a string
                return False
            if not ascii_keys and any(
                type(k) is not str or max(k, default="") > "\uffff" for k in item
            ):
                return False
            pending.extend(item.values())
        elif kind is list:
            pending.extend(item)
        else:
            return False
    return True


def canonical_bytes(value: Any) -> bytes:
    """The RFC 8785 canonical JSON bytes of ``value``."""
    if _is_plain(value):
        # About five times faster than the pure-Python rfc8785 encoder, and byte for byte the
        # same on these values (the tests compare the two on generated data). A lone surrogate
        # cannot be encoded as UTF-8 and falls through to rfc8785, which reports it.
        try:
            text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            return text.encode("utf-8")
        except UnicodeEncodeError:
            pass
    return rfc8785.dumps(value)


def record_hash(value: Any) -> str:
    """Hex SHA-256 of the canonical bytes of ``value``: how an entry refers to a record."""
    return hashlib.sha256(canonical_bytes(value)).hexdigest()


def entry_leaf_hash(entry: Mapping[str, Any]) -> bytes:
    """The RFC 9162 leaf hash of an audit entry: ``SHA-256(0x00 || canonical_bytes(entry))``."""
    return leaf_hash(canonical_bytes(entry))


def chain_step(previous_chain_hash: bytes, leaf: bytes) -> bytes:
    """The next chain hash: ``SHA-256(previous_chain_hash || leaf)``."""
    return hashlib.sha256(previous_chain_hash + leaf).digest()


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One stored audit entry with its leaf and chain hashes (hex)."""

    index: int
    entry: dict[str, Any]
    leaf_hash: str
    chain_hash: str

    def as_dict(self) -> dict[str, Any]:
        """The row as the export writes it."""
        return {
            "index": self.index,
            "entry": self.entry,
            "leaf_hash": self.leaf_hash,
            "chain_hash": self.chain_hash,
        }


def seal(
    entries: Iterable[dict[str, Any]],
    *,
    start_index: int = 0,
    previous_chain_hash: bytes = GENESIS_CHAIN_HASH,
) -> Iterator[AuditRow]:
    """The rows to store for ``entries`` appended after ``previous_chain_hash``."""
    chain = previous_chain_hash
    for index, entry in enumerate(entries, start_index):
        leaf = entry_leaf_hash(entry)
        chain = chain_step(chain, leaf)
        yield AuditRow(index, entry, leaf.hex(), chain.hex())


BreakKind = Literal[
    "malformed", "edited", "chain_hash", "index", "inserted", "repeated", "unlinked"
]


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first bad row and what is wrong with it.

    ``index`` is the position of the first row that differs from the genuine log. ``kind``:
    ``malformed`` (the row cannot be read), ``edited`` (the entry does not hash to its stored
    leaf hash), ``chain_hash`` (the entry is genuine, its stored chain hash is not),
    ``index`` (a genuine entry out of place: one was deleted or moved here), ``inserted``
    (rows from ``index`` were added), ``repeated`` (the row copies an earlier one), and
    ``unlinked`` (a self-consistent row that follows no row before it: its own chain hash was
    altered, or the row before was rewritten together with its hashes; a signed root can tell
    which, see :mod:`convenor_gateway.evidence.offline_verify`).
    """

    index: int
    kind: BreakKind
    reason: str


@dataclass(frozen=True, slots=True)
class _Checked:
    position: int
    index: int
    leaf: bytes
    stored_leaf: str
    stored_chain: str


def row_fields(row: Any) -> tuple[int, dict[str, Any] | bytes, str, str]:
    """``(index, entry, leaf_hash, chain_hash)`` of a mapping, an object with those attributes, or
    a sequence of the four in that order (a tuple, a database driver's record).

    ``entry`` is a JSON object, or the canonical bytes it was stored as. Raises ``ValueError``
    naming the field that is missing or of the wrong type. A reader that cannot parse a row
    passes the exception in its place, and it is raised here.
    """
    values: tuple[Any, ...]
    if type(row) is tuple and len(row) == 4:  # the database's rows: this runs once per row
        values = row
    elif type(row) is dict:  # an export's rows
        values = (row.get("index"), row.get("entry"), row.get("leaf_hash"), row.get("chain_hash"))
    elif isinstance(row, Exception):
        raise ValueError(str(row))
    elif isinstance(row, Mapping):
        values = tuple(row.get(name) for name in _ROW_FIELDS)
    elif hasattr(row, "index") and hasattr(row, "entry"):
        values = tuple(getattr(row, name, None) for name in _ROW_FIELDS)
    else:  # a sequence of the four, such as a database driver's record
        try:
            values = tuple(row)
        except TypeError:
            values = ()
        if len(values) != 4 or isinstance(row, str | bytes):
            values = (None, None, None, None)
    index, entry, leaf_hex, chain_hex = values
    if not isinstance(index, int) or isinstance(index, bool):
        raise ValueError("its index is not an integer")
    if not isinstance(entry, dict | bytes):
        raise ValueError("its entry is not a JSON object")
    if not isinstance(leaf_hex, str) or not isinstance(chain_hex, str):
        raise ValueError("its leaf_hash or chain_hash is not a string")
    return index, entry, leaf_hex, chain_hex


def find_chain_break(
    rows: Iterable[Any],
    *,
    start_index: int = 0,
    previous_chain_hash: bytes = GENESIS_CHAIN_HASH,
    on_leaf: Callable[[bytes | None], None] | None = None,
    lookback: int = DEFAULT_LOOKBACK,
) -> ChainBreak | None:
    """The first bad row of ``rows`` (in log order from ``start_index``), or ``None``.

    A row whose ``entry`` is ``bytes`` is taken to hold the entry's canonical bytes as stored
    and they are hashed as they are: as strong a check, since the leaf is over those bytes, and
    several times faster than canonicalising a parsed object again. Whoever then shows the
    entry must show it parsed from those bytes.

    ``on_leaf`` receives the leaf hash recomputed from every row's entry, in order, or ``None``
    for a row that cannot be read; when it is given every row is read, even after a break, so a
    caller can build the Merkle tree in the same pass.
    """
    # Chain hashes at positions position - 1, position - 2, ...: the genuine prefix so far.
    recent: deque[bytes] = deque([previous_chain_hash], maxlen=lookback + 1)
    failed: _Checked | None = None
    found: ChainBreak | None = None
    sha256 = hashlib.sha256
    for position, row in enumerate(rows, start_index):
        if failed is None and found is None and type(row) is not dict:
            # The common case of a stored log, a row that is what it should be, checked with
            # nothing but the two hashes; anything else takes the careful path below. Any row
            # of four values will do (a tuple, a database driver's record): no copying.
            try:
                row_index, row_entry, row_leaf, row_chain = row
            except (TypeError, ValueError):
                row_index = row_entry = None
            if type(row_entry) is bytes and type(row_index) is int and row_index == position:
                good_leaf = sha256(b"\x00" + row_entry).digest()
                good_chain = sha256(recent[-1] + good_leaf).digest()
                if good_leaf.hex() == row_leaf and good_chain.hex() == row_chain:
                    recent.append(good_chain)
                    if on_leaf is not None:
                        on_leaf(good_leaf)
                    continue
        try:
            index, entry, stored_leaf, stored_chain = row_fields(row)
            leaf: bytes | None = (
                leaf_hash(entry) if isinstance(entry, bytes) else entry_leaf_hash(entry)
            )
            problem = ""
        except ValueError as exc:  # rfc8785's errors are ValueErrors too
            leaf, problem = None, str(exc)
        if on_leaf is not None:
            on_leaf(leaf)
        if found is not None:
            continue
        if failed is not None:
            following = (
                None if leaf is None else _Checked(position, index, leaf, stored_leaf, stored_chain)
            )
            found = _diagnose(failed, following, recent, first=failed.position == start_index)
        elif leaf is None:
            found = ChainBreak(position, "malformed", f"entry {position} is unreadable: {problem}")
        else:
            expected = chain_step(recent[-1], leaf)
            if index == position and leaf.hex() == stored_leaf and expected.hex() == stored_chain:
                recent.append(expected)
            else:
                # The next row may explain this one, so wait for it.
                failed = _Checked(position, index, leaf, stored_leaf, stored_chain)
        if found is not None and on_leaf is None:
            return found
    if found is None and failed is not None:
        found = _diagnose(failed, None, recent, first=failed.position == start_index)
    return found


def _diagnose(
    row: _Checked, following: _Checked | None, recent: deque[bytes], *, first: bool
) -> ChainBreak:
    p, previous = row.position, recent[-1]
    if row.leaf.hex() != row.stored_leaf:
        return ChainBreak(p, "edited", f"entry {p} does not hash to its stored leaf hash")
    if chain_step(previous, row.leaf).hex() == row.stored_chain:
        return ChainBreak(p, "index", f"entry {p} is stored with index {row.index}")
    # Which earlier row was this one chained after? recent[-1 - back] is the chain at p-1-back.
    for back in range(1, len(recent)):
        if chain_step(recent[-1 - back], row.leaf).hex() == row.stored_chain:
            origin = p - back
            if recent[-back].hex() == row.stored_chain:
                return ChainBreak(p, "repeated", f"entry {p} repeats entry {origin}")
            return ChainBreak(
                origin,
                "inserted",
                f"entries {origin} to {p - 1} were inserted: entry {p} was chained right after "
                f"entry {origin - 1}",
            )
    if following is not None and following.leaf.hex() == following.stored_leaf:
        # A genuine next row pins down what this one is: absent, or present with a bad hash.
        if chain_step(previous, following.leaf).hex() == following.stored_chain:
            return ChainBreak(
                p, "inserted", f"entry {p} was inserted: entry {p + 1} was chained after {p - 1}"
            )
        genuine = chain_step(previous, row.leaf)
        if chain_step(genuine, following.leaf).hex() == following.stored_chain:
            return ChainBreak(p, "chain_hash", f"the stored chain hash of entry {p} was altered")
    if row.index != p:
        return ChainBreak(
            p, "index", f"entry {p} is stored with index {row.index}: an entry was deleted or moved"
        )
    if first:
        return ChainBreak(p, "chain_hash", f"the stored chain hash of entry {p} was altered")
    return ChainBreak(
        p,
        "unlinked",
        f"entry {p} does not follow entry {p - 1}: its chain hash was altered, or the entry "
        "before it was rewritten together with its hashes",
    )


def verify_chain(
    rows: Iterable[Any],
    *,
    start_index: int = 0,
    previous_chain_hash: bytes = GENESIS_CHAIN_HASH,
) -> int | None:
    """The index of the first row whose stored hashes do not match its entry and chain, or None.

    ``rows`` are mappings or objects with ``index``, ``entry``, ``leaf_hash`` and
    ``chain_hash``, in log order; pass ``start_index`` and the chain hash before it to check a
    slice of the log.
    """
    found = find_chain_break(rows, start_index=start_index, previous_chain_hash=previous_chain_hash)
    return None if found is None else found.index
