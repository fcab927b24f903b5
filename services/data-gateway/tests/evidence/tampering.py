"""Ways to tamper with a stored or exported audit log, and what the verifiers must then say.

Each tamper takes the genuine rows (as dicts) and positions drawn by hypothesis and returns the
tampered rows. The first bad entry is, by definition, the first position at which the tampered
log differs from the genuine one.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from convenor_gateway.evidence.canonical import GENESIS_CHAIN_HASH, chain_step, entry_leaf_hash

from .factories import entry

Rows = list[dict[str, Any]]


def _flip_hex(text: str) -> str:
    return ("1" if text[0] == "0" else "0") + text[1:]


def _chain_before(rows: Rows, i: int) -> bytes:
    return bytes.fromhex(rows[i - 1]["chain_hash"]) if i else GENESIS_CHAIN_HASH


def _fresh_row(rows: Rows, i: int, *, chain_ok: bool) -> dict[str, Any]:
    forged = entry(10_000 + i, event="request.downloaded")
    leaf = entry_leaf_hash(forged)
    chain = chain_step(_chain_before(rows, i), leaf) if chain_ok else bytes(32)
    return {"index": i, "entry": forged, "leaf_hash": leaf.hex(), "chain_hash": chain.hex()}


def edit_entry(rows: Rows, i: int, j: int) -> Rows:
    rows[i]["entry"]["actor"]["client_id"] = "someone-else"
    return rows


def edit_leaf_hash(rows: Rows, i: int, j: int) -> Rows:
    rows[i]["leaf_hash"] = _flip_hex(rows[i]["leaf_hash"])
    return rows


def edit_chain_hash(rows: Rows, i: int, j: int) -> Rows:
    rows[i]["chain_hash"] = _flip_hex(rows[i]["chain_hash"])
    return rows


def edit_index(rows: Rows, i: int, j: int) -> Rows:
    rows[i]["index"] += 1
    return rows


def delete(rows: Rows, i: int, j: int) -> Rows:
    del rows[i]
    return rows


def swap(rows: Rows, i: int, j: int) -> Rows:
    rows[i], rows[j] = rows[j], rows[i]
    return rows


def move(rows: Rows, i: int, j: int) -> Rows:
    rows.insert(j, rows.pop(i))
    return rows


def insert_copy(rows: Rows, i: int, j: int) -> Rows:
    rows.insert(i, copy.deepcopy(rows[j]))
    return rows


def insert_fresh(rows: Rows, i: int, j: int) -> Rows:
    rows.insert(i, _fresh_row(rows, i, chain_ok=True))
    return rows


def insert_with_bad_chain(rows: Rows, i: int, j: int) -> Rows:
    rows.insert(i, _fresh_row(rows, i, chain_ok=False))
    return rows


def rewrite_one(rows: Rows, i: int, j: int) -> Rows:
    """Edit an entry and recompute its own hashes, as an insider covering their tracks would."""
    rows[i]["entry"]["event"] = "request.erased"
    leaf = entry_leaf_hash(rows[i]["entry"])
    rows[i]["leaf_hash"] = leaf.hex()
    rows[i]["chain_hash"] = chain_step(_chain_before(rows, i), leaf).hex()
    return rows


def rewrite_tail(rows: Rows, i: int, j: int) -> Rows:
    """Edit an entry and recompute every hash from it to the end."""
    rows[i]["entry"]["event"] = "request.erased"
    for k in range(i, len(rows)):
        leaf = entry_leaf_hash(rows[k]["entry"])
        rows[k]["leaf_hash"] = leaf.hex()
        rows[k]["chain_hash"] = chain_step(_chain_before(rows, k), leaf).hex()
    return rows


# Tampers whose first bad entry the chain alone pins down.
LOCAL: list[Callable[[Rows, int, int], Rows]] = [
    edit_entry,
    edit_leaf_hash,
    edit_chain_hash,
    edit_index,
    delete,
    swap,
    move,
    insert_copy,
    insert_fresh,
    insert_with_bad_chain,
]


def first_difference(genuine: Rows, tampered: Rows) -> int | None:
    """The first position where the logs differ; ``None`` if ``tampered`` is a prefix."""
    for k, row in enumerate(tampered):
        if k >= len(genuine) or row != genuine[k]:
            return k
    return None if len(tampered) <= len(genuine) else len(genuine)


@st.composite
def tampered_logs(
    draw: st.DrawFn, tampers: list[Callable[[Rows, int, int], Rows]], genuine: Rows
) -> tuple[str, Rows]:
    """A tamper, applied at drawn positions, and the tampered rows."""
    tamper = draw(st.sampled_from(tampers))
    i = draw(st.integers(0, len(genuine) - 1))
    j = draw(st.integers(0, len(genuine) - 1).filter(lambda j: tamper is not swap or j != i))
    i, j = (min(i, j), max(i, j)) if tamper is swap else (i, j)
    return tamper.__name__, tamper(copy.deepcopy(genuine), i, j)
