"""Inclusion and consistency proofs from the stored tree, in ``O(log n)`` reads.

A proof for a tree of ``n`` leaves is made of ``O(log n)`` subtree hashes, and each is either
a complete subtree (one ``merkle_nodes`` row, or a leaf hash of the log itself at level 0) or
a run of the tree's right edge, itself a few complete subtrees. So a proof is computed twice
with :mod:`convenor_gateway.evidence.merkle`'s algorithms: once with a getter that only notes
which nodes it is asked for, then, after fetching exactly those in one query per table, with
the real hashes. Nothing is recomputed from the leaves, whatever the size of the log.

Proofs are available for any tree size up to the latest checkpoint's (the checkpointer stores
the nodes as it goes); a larger size answers 422 naming the largest one available.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_gateway.audit import repository
from convenor_gateway.evidence.merkle import (
    NodeGetter,
    consistency_path,
    inclusion_path,
    nodes_needed,
)
from convenor_gateway.problems import invalid
from convenor_shared.problems import NotFound, ServiceUnavailable

NodeMap = dict[tuple[int, int], bytes]


class NoCheckpoint(NotFound):
    """The audit log has no signed checkpoint yet: they are made in the background a few
    seconds after entries are appended. Try again shortly."""

    slug, title = "no-checkpoint", "No checkpoint yet"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"Retry-After": "10"})


class ProofUnavailable(ServiceUnavailable):
    """A node of the stored tree that the proof needs is missing: the tree is being rebuilt or
    the database was altered. Try again later; if it persists, verify the log."""

    slug, title = "proof-unavailable", "Proof unavailable"


def _getter(nodes: NodeMap) -> NodeGetter:
    def node(level: int, index: int) -> bytes:
        try:
            return nodes[(level, index)]
        except KeyError:
            raise ProofUnavailable(f"The tree node ({level}, {index}) is missing.") from None

    return node


async def _fetch(session: AsyncSession, keys: set[tuple[int, int]]) -> NodeMap:
    return await repository.nodes(session, keys)


async def covered_size(session: AsyncSession) -> int:
    """The largest tree size proofs can be given for: the latest checkpoint's."""
    latest = await repository.latest_checkpoint(session)
    if latest is None:
        raise NoCheckpoint("No checkpoint has been signed yet.")
    return latest.tree_size


def _check_size(name: str, size: int, covered: int) -> None:
    if not 0 <= size <= covered:
        raise invalid(
            ["query", name],
            f"{name} must be between 0 and {covered}, the size of the latest checkpoint.",
        )


async def inclusion(
    session: AsyncSession, index: int, tree_size: int | None
) -> tuple[int, bytes, list[bytes]]:
    """``(tree_size, leaf_hash, audit_path)`` of entry ``index``."""
    covered = await covered_size(session)
    size = covered if tree_size is None else tree_size
    _check_size("tree_size", size, covered)
    if not 0 <= index < size:
        raise invalid(["query", "index"], f"index must be below the tree size {size}.")
    proofs = await InclusionProofs.fetch(session, [index], size)
    return size, proofs.leaf(index), proofs.inclusion_proof(index, size)


async def consistency(
    session: AsyncSession, first: int, second: int | None
) -> tuple[int, list[bytes]]:
    """``(second, proof)`` that the tree of ``first`` leaves prefixes the one of ``second``."""
    covered = await covered_size(session)
    second = covered if second is None else second
    _check_size("second", second, covered)
    if not 0 <= first <= second:
        raise invalid(["query", "first"], f"first must be between 0 and second ({second}).")

    def compute(node: NodeGetter) -> list[bytes]:
        return consistency_path(node, first, second)

    nodes = await _fetch(session, nodes_needed(compute))
    return second, compute(_getter(nodes))


def _path_of(node: NodeGetter, *, index: int, size: int) -> list[bytes]:
    return inclusion_path(node, index, size)


class InclusionProofs:
    """Audit paths for several entries at one tree size, their nodes fetched at once (what an
    evidence bundle needs; it has the shape of ``MerkleTree.inclusion_proof``)."""

    def __init__(self, nodes: NodeMap, size: int) -> None:
        self._node = _getter(nodes)
        self._size = size

    @classmethod
    async def fetch(
        cls, session: AsyncSession, indices: Iterable[int], size: int
    ) -> InclusionProofs:
        wanted = list(indices)
        keys: set[tuple[int, int]] = {(0, i) for i in wanted}
        for index in wanted:
            keys |= nodes_needed(partial(_path_of, index=index, size=size))
        return cls(await _fetch(session, keys), size)

    def leaf(self, index: int) -> bytes:
        return self._node(0, index)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return inclusion_path(self._node, index, self._size if size is None else size)
