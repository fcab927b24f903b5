"""``convenor-gateway audit export``: the log as JSON Lines, with what verifies it offline.

Each line is ``{"index", "entry", "leaf_hash", "chain_hash"}`` where ``entry`` is written as the
stored canonical bytes themselves (a JSON object), so the export is the log byte for byte and
:func:`convenor_gateway.evidence.offline_verify.verify_export` checks it with no database.
Beside it go the latest checkpoint note (``<out>.checkpoint``) and the verifier keys of every
key that signed a checkpoint (``<out>.keys``, one per line). The checkpoint is read first, so
the export always covers it; entries appended meanwhile are exported too and checked against
the chain only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy import select

from convenor_gateway.audit import repository, rows
from convenor_gateway.models import Checkpoint
from convenor_shared.db import Database


@dataclass(frozen=True)
class Exported:
    entries: int
    checkpoint_note: str | None
    verifier_keys: list[str]


def line(row: rows.Row) -> bytes:
    """One export line for a stored row."""
    index, canonical, leaf, chain = row
    return b'{"index":%d,"entry":%s,"leaf_hash":"%s","chain_hash":"%s"}\n' % (
        index,
        canonical,
        leaf.encode("ascii"),
        chain.encode("ascii"),
    )


async def export_log(database: Database, out: BinaryIO) -> Exported:
    """Write the log to ``out``; the latest checkpoint and the keys that signed checkpoints."""
    async with database.session() as session:
        latest = await repository.latest_checkpoint(session)
        keys = list((await session.execute(select(Checkpoint.verifier_key).distinct())).scalars())

    def write(stream: Iterator[rows.Row]) -> int:
        count = 0
        for row in stream:
            out.write(line(row))
            count += 1
        return count

    count = await rows.over_rows(database, write)
    return Exported(count, latest.note if latest else None, sorted(keys))
