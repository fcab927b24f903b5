"""Signed checkpoints of the audit log, made in the background, never on a request's path.

A checkpoint is a C2SP signed note (origin, tree size, base64 RFC 9162 root, ``timestamp``
line, Ed25519 signature). The checkpointer wakes every ``GATEWAY_CHECKPOINT_INTERVAL_SECONDS``;
when the log has grown since the last checkpoint it:

1. reads the new entries (at most ``GATEWAY_CHECKPOINT_MAX_ENTRIES`` at a time) and checks each
   one's leaf hash against its stored bytes and its chain hash against the previous one (the
   last checkpoint keeps the chain hash it ended on), so it never signs a log that was altered;
2. extends the tree from the last checkpoint's compact frontier, storing every complete
   subtree it finishes in ``merkle_nodes`` (what makes proofs ``O(log n)`` reads later);
3. signs the new tree head with the newest signing key and stores it with its frontier.

All in one transaction, under a lock of its own (not the write lock: requests keep flowing), so
replicas take turns and a crash leaves nothing half made.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_gateway.audit import chain, repository
from convenor_gateway.evidence.canonical import find_chain_break
from convenor_gateway.evidence.merkle import HASH_SIZE, CompactTree
from convenor_gateway.evidence.signed_note import sign_checkpoint
from convenor_gateway.keys import SigningKeys
from convenor_gateway.models import Checkpoint
from convenor_shared.db import Database, utcnow
from convenor_shared.transactions import commit

log = logging.getLogger("convenor.gateway.checkpoints")
READ_BATCH = 5000


class LogDoesNotVerify(RuntimeError):
    """The entries after the last checkpoint do not verify: no checkpoint is signed."""


@dataclass(frozen=True)
class _Start:
    size: int
    tree: CompactTree
    chain_hash: bytes


def _frontier_bytes(tree: CompactTree) -> bytes:
    return b"".join(tree.frontier)


def _start(last: Checkpoint | None) -> _Start:
    if last is None:
        return _Start(0, CompactTree(), chain.GENESIS)
    raw = bytes(last.frontier)
    frontier = [raw[i : i + HASH_SIZE] for i in range(0, len(raw), HASH_SIZE)]
    return _Start(
        last.tree_size,
        CompactTree.resume(last.tree_size, frontier),
        bytes.fromhex(last.chain_hash),
    )


async def _begin(session: AsyncSession) -> None:
    if session.get_bind().dialect.name == "sqlite":
        await session.connection(execution_options={"sqlite_immediate": True})


async def _extend(session: AsyncSession, start: _Start, stop: int) -> tuple[CompactTree, bytes]:
    """Verify entries ``[start.size, stop)`` and grow the tree over them."""
    tree, previous, position = start.tree, start.chain_hash, start.size
    leaves: list[bytes | None] = []
    while position < stop:
        batch = await repository.rows_after(session, position - 1, stop, READ_BATCH)
        if not batch:
            raise LogDoesNotVerify(f"entry {position} is missing")
        leaves.clear()
        found = find_chain_break(
            batch, start_index=position, previous_chain_hash=previous, on_leaf=leaves.append
        )
        if found is not None:
            raise LogDoesNotVerify(found.reason)
        nodes = []
        for leaf in leaves:
            assert leaf is not None  # a row that did not verify stopped us above
            nodes.extend(tree.append_nodes(leaf))
        await repository.add_nodes(session, nodes)
        previous = bytes.fromhex(batch[-1][3])
        position += len(batch)
    return tree, previous


async def make_checkpoint(
    database: Database, keys: SigningKeys, *, max_entries: int = 100_000
) -> Checkpoint | None:
    """Sign a checkpoint of the log if it has grown; the new checkpoint, or None."""
    async with database.session() as session:
        await _begin(session)
        if not await repository.try_checkpoint_lock(session):
            return None  # another replica is at it
        last = await repository.latest_checkpoint(session)
        start = _start(last)
        stop = min(await repository.log_size(session), start.size + max_entries)
        if stop <= start.size:
            return None
        tree, chain_hash = await _extend(session, start, stop)
        signer = keys.signer
        timestamp = int(time.time())
        root = tree.root()
        checkpoint = Checkpoint(
            tree_size=tree.size,
            root_hash=root.hex(),
            chain_hash=chain_hash.hex(),
            frontier=_frontier_bytes(tree),
            timestamp=timestamp,
            note=sign_checkpoint(
                signer.name,
                tree.size,
                root,
                signer.private_key,
                signer.name,
                timestamp=timestamp,
            ),
            verifier_key=signer.verifier_key,
            created_at=utcnow(),
        )
        session.add(checkpoint)
        await commit(session)
        log.info("checkpoint signed", extra={"tree_size": tree.size})
        return checkpoint


async def catch_up(database: Database, keys: SigningKeys, *, max_entries: int) -> int:
    """Checkpoint until the log is covered; how many checkpoints were made."""
    made = 0
    while await make_checkpoint(database, keys, max_entries=max_entries) is not None:
        made += 1
    return made


async def run_forever(
    database: Database, keys: SigningKeys, *, interval: float, max_entries: int
) -> None:
    """The background checkpointer of the app's lifespan."""
    while True:
        await asyncio.sleep(interval)
        try:
            await make_checkpoint(database, keys, max_entries=max_entries)
        except LogDoesNotVerify as exc:
            log.error("the audit log does not verify; no checkpoint signed: %s", exc)
        except Exception:
            log.exception("checkpointing failed; trying again later")
