"""RFC 9162 (Certificate Transparency v2) Merkle trees over leaf hashes.

The audit log is a list of leaf hashes, ``leaf_hash(data) = SHA-256(0x00 || data)``; an interior
node is ``SHA-256(0x01 || left || right)`` and a tree of ``n > 1`` leaves splits at the largest
power of two below ``n`` (RFC 9162 §2.1.1). Two builders:

- :class:`CompactTree` keeps one hash per complete subtree (``O(log n)`` memory): the root of a
  log streaming past, which is all an offline verifier of a long export needs;
- :class:`MerkleTree` keeps every complete subtree (``O(n)``, built once or appended to): inclusion
  (§2.1.3.1) and consistency (§2.1.4.1) proofs for any earlier tree size in ``O(log n)`` hashes.
- :func:`inclusion_path`, :func:`consistency_path` and :func:`root_from` compute the same over any
  store of complete subtrees given as a ``node(level, index)`` getter (the gateway keeps them in
  a table), and :func:`nodes_needed` says which nodes a computation reads.

Verification follows the algorithms of §2.1.3.2 and §2.1.4.2. ``check_*`` raise
:class:`ProofError` saying what is wrong; ``verify_*`` return ``False`` instead. Neither lets
malformed input (negative sizes, an index outside the tree, a path of the wrong length, hashes
that are not 32 bytes) escape as anything else.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
_sha256 = hashlib.sha256


class ProofError(ValueError):
    """A proof, or the tree sizes and indices it speaks of, is malformed or does not verify."""


def leaf_hash(data: bytes) -> bytes:
    """The RFC 9162 hash of a leaf: ``SHA-256(0x00 || data)``."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The RFC 9162 hash of an interior node: ``SHA-256(0x01 || left || right)``."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly below ``n`` (``n >= 2``): where RFC 9162 splits."""
    return 1 << ((n - 1).bit_length() - 1)


def _fold(hashes: Sequence[bytes]) -> bytes:
    # Complete subtrees listed left to right, largest first, join from the right: that is the
    # shape the RFC's split rule gives a tree whose size is their sum.
    node = hashes[-1]
    for left in reversed(hashes[:-1]):
        node = node_hash(left, node)
    return node


class CompactTree:
    """The right edge of a growing tree: one hash per complete subtree, ``O(log n)`` memory."""

    __slots__ = ("_size", "_stack")

    def __init__(self) -> None:
        self._size = 0
        self._stack: list[bytes] = []

    @property
    def size(self) -> int:
        """How many leaves have been appended."""
        return self._size

    def append(self, leaf: bytes) -> None:
        """Add the next leaf hash."""
        node, size, stack = leaf, self._size, self._stack
        # Each trailing one bit of the old size is a complete subtree the new leaf completes.
        # (node_hash written out: this runs for every entry of a log being verified.)
        while size & 1:
            node = _sha256(b"\x01" + stack.pop() + node).digest()
            size >>= 1
        stack.append(node)
        self._size += 1

    def root(self) -> bytes:
        """The root hash of the leaves appended so far (``EMPTY_ROOT`` for none)."""
        return _fold(self._stack) if self._stack else EMPTY_ROOT

    @property
    def frontier(self) -> tuple[bytes, ...]:
        """The complete subtrees of the right edge, largest first: with the size, the state."""
        return tuple(self._stack)

    @classmethod
    def resume(cls, size: int, frontier: Sequence[bytes]) -> CompactTree:
        """The tree of ``size`` leaves whose :attr:`frontier` was ``frontier``."""
        size = _check_size(size, "tree size")
        if len(frontier) != size.bit_count():
            raise ProofError(f"a tree of {size} leaves has {size.bit_count()} frontier hashes")
        tree = cls()
        tree._size = size
        tree._stack = [_check_hash(h, "frontier hash") for h in frontier]
        return tree

    def append_nodes(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add the next leaf hash; return the complete subtrees of two or more leaves it
        completes, as ``(level, index, hash)`` (see :data:`NodeGetter`), for storing."""
        position = self._size
        node, size, stack, level = leaf, position, self._stack, 0
        completed = []
        while size & 1:
            node = node_hash(stack.pop(), node)
            size >>= 1
            level += 1
            completed.append((level, position >> level, node))
        stack.append(node)
        self._size += 1
        return completed


def root_hash(leaves: Iterable[bytes]) -> bytes:
    """The RFC 9162 root (MTH) of a sequence of leaf hashes, in one pass."""
    tree = CompactTree()
    for leaf in leaves:
        tree.append(leaf)
    return tree.root()


class MerkleTree:
    """Leaf hashes and every complete subtree over them, for proofs at any earlier size."""

    __slots__ = ("_levels",)

    def __init__(self, leaves: Iterable[bytes] = ()) -> None:
        # _levels[h][i] is the hash of the complete subtree over leaves [i * 2**h, (i + 1) * 2**h).
        self._levels: list[list[bytes]] = [[]]
        for leaf in leaves:
            self.append(leaf)

    @property
    def size(self) -> int:
        """How many leaves the tree holds."""
        return len(self._levels[0])

    def append(self, leaf: bytes) -> None:
        """Add the next leaf hash (amortised one node hash per leaf)."""
        if len(leaf) != HASH_SIZE:
            raise ProofError(f"a leaf hash is {HASH_SIZE} bytes, not {len(leaf)}")
        levels = self._levels
        levels[0].append(leaf)
        height = 0
        while len(levels[height]) % 2 == 0:
            row = levels[height]
            parent = node_hash(row[-2], row[-1])
            height += 1
            if height == len(levels):
                levels.append([])
            levels[height].append(parent)

    def leaf(self, index: int) -> bytes:
        """The leaf hash at ``index``."""
        return self._levels[0][index]

    def root(self, size: int | None = None) -> bytes:
        """The root hash of the first ``size`` leaves (all of them by default)."""
        return root_from(self.node, self._size_or_all(size))

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """The audit path of leaf ``index`` in the tree of the first ``size`` leaves."""
        return inclusion_path(self.node, index, self._size_or_all(size))

    def consistency_proof(self, first: int, second: int | None = None) -> list[bytes]:
        """The proof that the tree of ``first`` leaves is a prefix of the one of ``second``."""
        return consistency_path(self.node, first, self._size_or_all(second))

    def node(self, level: int, index: int) -> bytes:
        """The complete subtree over leaves ``[index * 2**level, (index + 1) * 2**level)``."""
        return self._levels[level][index]

    def _size_or_all(self, size: int | None) -> int:
        if size is None:
            return self.size
        if not 0 <= size <= self.size:
            raise ProofError(f"tree size {size} is outside 0..{self.size}")
        return size


# Proofs over any store of complete subtrees. ``node(level, index)`` returns the hash of the
# complete subtree over leaves [index * 2**level, (index + 1) * 2**level); a database-backed log
# passes a getter over its stored nodes (first recording which ones a proof needs, then fetching
# them at once: see :func:`nodes_needed`).
NodeGetter = Callable[[int, int], bytes]


def subtree_hash(node: NodeGetter, start: int, end: int) -> bytes:
    """The hash of leaves ``[start, end)``: a subtree the RFC 9162 recursion visits."""
    # Every subtree the RFC recursion visits starts at a multiple of a power of two at least
    # its size, so greedily taking the largest complete block always lands on stored nodes.
    blocks: list[bytes] = []
    while start < end:
        height = (end - start).bit_length() - 1
        blocks.append(node(height, start >> height))
        start += 1 << height
    return _fold(blocks)


def root_from(node: NodeGetter, size: int) -> bytes:
    """The root hash of the first ``size`` leaves."""
    return subtree_hash(node, 0, size) if size else EMPTY_ROOT


def inclusion_path(node: NodeGetter, index: int, size: int) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of ``size`` leaves (RFC 9162 §2.1.3.1)."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of {size} leaves")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        mid = start + _split(end - start)
        if index < mid:
            path.append(subtree_hash(node, mid, end))
            end = mid
        else:
            path.append(subtree_hash(node, start, mid))
            start = mid
    path.reverse()  # the RFC lists the sibling nearest the leaf first
    return path


def consistency_path(node: NodeGetter, first: int, second: int) -> list[bytes]:
    """The proof that the tree of ``first`` leaves prefixes that of ``second`` (§2.1.4.1)."""
    if not 0 <= first <= second:
        raise ProofError(f"no consistency proof from size {first} to size {second}")
    if first in (0, second):
        return []
    proof: list[bytes] = []
    start, end = 0, second
    whole = True  # the RFC's b: is the old tree the very subtree we are in?
    while first != end:
        mid = start + _split(end - start)
        if first <= mid:
            proof.append(subtree_hash(node, mid, end))
            end = mid
        else:
            proof.append(subtree_hash(node, start, mid))
            start, whole = mid, False
    if not whole:
        proof.append(subtree_hash(node, start, end))
    proof.reverse()
    return proof


def nodes_needed(compute: Callable[[NodeGetter], object]) -> set[tuple[int, int]]:
    """The ``(level, index)`` of every stored node ``compute(node)`` reads: run it once with a
    recording getter, fetch those nodes in one query, then run it again with the real ones."""
    needed: set[tuple[int, int]] = set()

    def record(level: int, index: int) -> bytes:
        needed.add((level, index))
        return bytes(HASH_SIZE)

    compute(record)
    return needed


def inclusion_proof(leaves: Sequence[bytes], index: int, size: int | None = None) -> list[bytes]:
    """The audit path of leaf ``index`` among the first ``size`` of ``leaves`` (one-off use)."""
    size = len(leaves) if size is None else size
    if not 0 <= size <= len(leaves):
        raise ProofError(f"tree size {size} is outside 0..{len(leaves)}")
    return MerkleTree(leaves[:size]).inclusion_proof(index)


def consistency_proof(
    leaves: Sequence[bytes], first: int, second: int | None = None
) -> list[bytes]:
    """The consistency proof from ``first`` to ``second`` leaves of ``leaves`` (one-off use)."""
    second = len(leaves) if second is None else second
    if not 0 <= second <= len(leaves):
        raise ProofError(f"tree size {second} is outside 0..{len(leaves)}")
    return MerkleTree(leaves[:second]).consistency_proof(first)


def _check_size(value: object, what: str) -> int:
    # bool is an int to Python, never to a proof read from JSON.
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ProofError(f"{what} must be a non-negative integer, not {value!r}")
    return value


def _check_hash(value: object, what: str) -> bytes:
    if not isinstance(value, bytes) or len(value) != HASH_SIZE:
        raise ProofError(f"{what} must be {HASH_SIZE} bytes")
    return value


def _check_path(proof: Sequence[bytes], expected: int, what: str) -> list[bytes]:
    if not isinstance(proof, list | tuple):
        raise ProofError(f"{what} must be a list of hashes")
    if len(proof) != expected:
        raise ProofError(f"{what} has {len(proof)} hashes where {expected} are needed")
    return [_check_hash(p, f"{what} hash {i}") for i, p in enumerate(proof)]


def _inclusion_length(index: int, size: int) -> int:
    length, start, end = 0, 0, size
    while end - start > 1:
        mid = start + _split(end - start)
        start, end = (start, mid) if index < mid else (mid, end)
        length += 1
    return length


def _consistency_length(first: int, second: int) -> int:
    length, start, end, whole = 0, 0, second, True
    while first != end:
        mid = start + _split(end - start)
        if first <= mid:
            end = mid
        else:
            start, whole = mid, False
        length += 1
    return length + (0 if whole else 1)


def check_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Raise :class:`ProofError` unless ``proof`` shows leaf ``index`` of a ``size`` tree."""
    index, size = _check_size(index, "leaf index"), _check_size(size, "tree size")
    leaf, root = _check_hash(leaf, "leaf hash"), _check_hash(root, "root hash")
    if index >= size:
        raise ProofError(f"leaf index {index} is not below tree size {size}")
    path = _check_path(proof, _inclusion_length(index, size), "inclusion proof")
    # RFC 9162 §2.1.3.2, step by step.
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise ProofError("inclusion proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or r != root:
        raise ProofError(f"inclusion proof for leaf {index} does not lead to the root")


def check_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> None:
    """Raise :class:`ProofError` unless ``proof`` shows the ``first`` tree prefixes ``second``."""
    first, second = _check_size(first, "first size"), _check_size(second, "second size")
    first_root = _check_hash(first_root, "first root")
    second_root = _check_hash(second_root, "second root")
    if first > second:
        raise ProofError(f"a tree of {first} leaves cannot precede one of {second}")
    if first == second or first == 0:
        _check_path(proof, 0, "consistency proof")
        if first == second and first_root != second_root:
            raise ProofError(f"two different roots for the same tree size {first}")
        if first == 0 and first_root != EMPTY_ROOT:
            raise ProofError("the first root is not the root of the empty tree")
        return
    path = _check_path(proof, _consistency_length(first, second), "consistency proof")
    # RFC 9162 §2.1.4.2, step by step.
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or fr != first_root or sr != second_root:
        raise ProofError(f"consistency proof from {first} to {second} does not match the roots")


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether ``proof`` shows leaf hash ``leaf`` at ``index`` in the tree of ``size``/``root``."""
    try:
        check_inclusion(leaf, index, size, proof, root)
    except ProofError:
        return False
    return True


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether ``proof`` shows the tree of ``first`` leaves is a prefix of that of ``second``."""
    try:
        check_consistency(first, second, first_root, second_root, proof)
    except ProofError:
        return False
    return True
