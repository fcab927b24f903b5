from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convenor_gateway.evidence.merkle import (
    EMPTY_ROOT,
    CompactTree,
    MerkleTree,
    ProofError,
    check_consistency,
    check_inclusion,
    consistency_path,
    consistency_proof,
    inclusion_path,
    inclusion_proof,
    leaf_hash,
    node_hash,
    nodes_needed,
    root_hash,
    verify_consistency,
    verify_inclusion,
)

# The RFC 6962 / RFC 9162 reference vectors (certificate-transparency and transparency-dev).
DATA = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
LEAVES = [leaf_hash(d) for d in DATA]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
INCLUSION = [  # (leaf index, tree size, audit path)
    (0, 1, []),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
CONSISTENCY = [  # (first size, second size, proof)
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]


# A naive transcription of the RFC 9162 definitions (MTH, PATH, PROOF/SUBPROOF), sharing no
# code with the module, to cross-check it on trees the vectors do not reach.
def naive_root(leaves: list[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + naive_root(leaves[:k]) + naive_root(leaves[k:])).digest()


def naive_path(m: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    if m < k:
        return [*naive_path(m, leaves[:k]), naive_root(leaves[k:])]
    return [*naive_path(m - k, leaves[k:]), naive_root(leaves[:k])]


def naive_subproof(m: int, leaves: list[bytes], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [naive_root(leaves)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return [*naive_subproof(m, leaves[:k], whole), naive_root(leaves[k:])]
    return [*naive_subproof(m - k, leaves[k:], False), naive_root(leaves[:k])]


def synthetic(n: int) -> list[bytes]:
    return [leaf_hash(i.to_bytes(4, "big")) for i in range(n)]


def flip(h: bytes, bit: int = 0) -> bytes:
    return bytes([h[0] ^ (1 << bit)]) + h[1:]


class TestHashes:
    def test_the_empty_tree_has_the_hash_of_nothing(self) -> None:
        assert EMPTY_ROOT.hex() == ROOTS[0]
        assert root_hash([]) == EMPTY_ROOT
        assert MerkleTree().root() == EMPTY_ROOT

    def test_a_leaf_is_prefixed_with_0x00_and_a_node_with_0x01(self) -> None:
        assert LEAVES[0].hex() == ROOTS[1]
        assert node_hash(LEAVES[0], LEAVES[1]).hex() == ROOTS[2]


class TestReferenceVectors:
    @pytest.mark.parametrize("size", range(9))
    def test_roots_match_the_published_tree_heads(self, size: int) -> None:
        assert root_hash(LEAVES[:size]).hex() == ROOTS[size]
        assert MerkleTree(LEAVES).root(size).hex() == ROOTS[size]

    @pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
    def test_inclusion_proofs_match_and_verify(
        self, index: int, size: int, path: list[str]
    ) -> None:
        proof = MerkleTree(LEAVES).inclusion_proof(index, size)
        assert [p.hex() for p in proof] == path
        assert verify_inclusion(LEAVES[index], index, size, proof, bytes.fromhex(ROOTS[size]))

    @pytest.mark.parametrize(("first", "second", "path"), CONSISTENCY)
    def test_consistency_proofs_match_and_verify(
        self, first: int, second: int, path: list[str]
    ) -> None:
        proof = MerkleTree(LEAVES).consistency_proof(first, second)
        assert [p.hex() for p in proof] == path
        first_root, second_root = bytes.fromhex(ROOTS[first]), bytes.fromhex(ROOTS[second])
        assert verify_consistency(first, second, first_root, second_root, proof)

    def test_the_one_off_functions_agree_with_the_tree(self) -> None:
        assert inclusion_proof(LEAVES, 5) == MerkleTree(LEAVES).inclusion_proof(5)
        assert consistency_proof(LEAVES, 2, 5) == MerkleTree(LEAVES).consistency_proof(2, 5)


class TestAgainstTheDefinitions:
    def test_every_root_path_and_consistency_proof_up_to_64_leaves(self) -> None:
        leaves = synthetic(64)
        tree = MerkleTree(leaves)
        for n in range(1, 65):
            assert tree.root(n) == naive_root(leaves[:n]) == root_hash(leaves[:n])
            for m in range(n):
                assert tree.inclusion_proof(m, n) == naive_path(m, leaves[:n])
            for m in range(1, n + 1):
                assert tree.consistency_proof(m, n) == naive_subproof(m, leaves[:n], True)

    def test_a_compact_tree_gives_the_root_after_every_append(self) -> None:
        leaves, compact = synthetic(130), CompactTree()
        for n, leaf in enumerate(leaves, 1):
            compact.append(leaf)
            assert compact.size == n
            assert compact.root() == naive_root(leaves[:n])


sizes = st.integers(min_value=1, max_value=300)


class TestGeneratedTrees:
    @settings(max_examples=40, deadline=None)
    @given(size=sizes)
    def test_every_leaf_proves_its_inclusion_and_nothing_else_does(self, size: int) -> None:
        leaves = synthetic(size)
        tree = MerkleTree(leaves)
        root = tree.root()
        for index in range(size):
            proof = tree.inclusion_proof(index)
            assert verify_inclusion(leaves[index], index, size, proof, root)
            assert not verify_inclusion(flip(leaves[index]), index, size, proof, root)
            assert not verify_inclusion(leaves[index], index, size, proof, flip(root))
            if size > 1:
                assert not verify_inclusion(leaves[index], (index + 1) % size, size, proof, root)
                assert not verify_inclusion(leaves[index], index, size, [], root)
            for k in range(len(proof)):
                bad = [*proof[:k], flip(proof[k], 7), *proof[k + 1 :]]
                assert not verify_inclusion(leaves[index], index, size, bad, root)

    @settings(max_examples=40, deadline=None)
    @given(size=sizes)
    def test_every_earlier_size_proves_consistent_and_tampering_fails(self, size: int) -> None:
        tree = MerkleTree(synthetic(size))
        second_root = tree.root()
        for first in range(size + 1):
            first_root = tree.root(first)
            proof = tree.consistency_proof(first)
            assert verify_consistency(first, size, first_root, second_root, proof)
            if first == 0:
                continue  # the empty tree is a prefix of every tree
            assert not verify_consistency(first, size, first_root, flip(second_root), proof)
            if first < size:
                assert not verify_consistency(first, size, flip(first_root), second_root, proof)
                for k in range(len(proof)):
                    bad = [*proof[:k], flip(proof[k], 3), *proof[k + 1 :]]
                    assert not verify_consistency(first, size, first_root, second_root, bad)
                assert not verify_consistency(first, size, first_root, second_root, proof[:-1])
                assert not verify_consistency(
                    first, size, first_root, second_root, [*proof, proof[0]]
                )

    @settings(max_examples=200, deadline=None)
    @given(size=sizes, data=st.data())
    def test_a_proof_verifies_in_another_tree_only_if_its_path_is_the_same(
        self, size: int, data: st.DataObject
    ) -> None:
        # RFC 9162 does not hash the tree size: a path proves a leaf under a root, and the
        # signed checkpoint is what ties that root to a size.
        leaves = synthetic(size)
        index = data.draw(st.integers(0, size - 1))
        proof = MerkleTree(leaves).inclusion_proof(index)
        other_size = data.draw(st.integers(index + 1, 300).filter(lambda s: s != size))
        other = MerkleTree(synthetic(other_size))
        same_path = other.inclusion_proof(index) == proof
        assert verify_inclusion(leaves[index], index, other_size, proof, other.root()) == same_path
        other_index = data.draw(st.integers(0, size - 1).filter(lambda i: i != index))
        assert not verify_inclusion(leaves[index], other_index, size, proof, other.root())

    @settings(max_examples=100, deadline=None)
    @given(size=sizes, data=st.data())
    def test_appending_gives_the_same_tree_as_building_at_once(
        self, size: int, data: st.DataObject
    ) -> None:
        leaves = synthetic(size)
        grown = MerkleTree()
        for leaf in leaves:
            grown.append(leaf)
        first = data.draw(st.integers(0, size))
        assert grown.root() == MerkleTree(leaves).root() == naive_root(leaves)
        assert grown.consistency_proof(first) == MerkleTree(leaves).consistency_proof(first)


class TestStoredTrees:
    """What the gateway does with a table of nodes: grow it from a saved frontier, then prove
    from the stored nodes alone, reading only the few each proof needs."""

    @settings(max_examples=60, deadline=None)
    @given(size=sizes, data=st.data())
    def test_nodes_stored_while_growing_from_saved_frontiers_give_the_same_proofs(
        self, size: int, data: st.DataObject
    ) -> None:
        leaves = synthetic(size)
        stops = sorted(data.draw(st.sets(st.integers(0, size), max_size=4)) | {size})
        stored: dict[tuple[int, int], bytes] = {(0, i): leaf for i, leaf in enumerate(leaves)}
        tree, done = CompactTree(), 0
        for stop in stops:
            tree = CompactTree.resume(tree.size, tree.frontier)  # as if from the last checkpoint
            for leaf in leaves[done:stop]:
                stored.update(((lv, ix), h) for lv, ix, h in tree.append_nodes(leaf))
            done = stop
        full = MerkleTree(leaves)
        assert tree.root() == full.root()

        def node(level: int, index: int) -> bytes:
            return stored[(level, index)]

        index = data.draw(st.integers(0, size - 1))
        first = data.draw(st.integers(0, size))
        assert inclusion_path(node, index, size) == full.inclusion_proof(index)
        assert consistency_path(node, first, size) == full.consistency_proof(first)

    def test_a_proof_reads_logarithmically_many_nodes(self) -> None:
        size = 1_000_003
        for index in (0, 1, 77_777, size // 2, size - 1):
            needed = nodes_needed(lambda node, i=index: inclusion_path(node, i, size))
            assert len(needed) <= 2 * size.bit_length()
        needed = nodes_needed(lambda node: consistency_path(node, 123_457, size))
        assert len(needed) <= 2 * size.bit_length()

    def test_a_frontier_of_the_wrong_length_is_refused(self) -> None:
        with pytest.raises(ProofError):
            CompactTree.resume(5, [bytes(32)])


class TestMalformedInput:
    root = bytes.fromhex(ROOTS[8])
    proof = MerkleTree(LEAVES).inclusion_proof(5)

    @pytest.mark.parametrize(
        ("index", "size"),
        [(8, 8), (9, 8), (-1, 8), (0, 0), (5, -8), (True, 8), (5, 8.0), (None, 8), (5, "8")],
    )
    def test_an_index_or_size_out_of_range_or_of_the_wrong_type_is_refused(
        self, index: object, size: object
    ) -> None:
        assert not verify_inclusion(LEAVES[5], index, size, self.proof, self.root)  # type: ignore[arg-type]
        with pytest.raises(ProofError):
            check_inclusion(LEAVES[5], index, size, self.proof, self.root)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        "proof",
        [None, "abc", b"x" * 96, [b"short"] * 3, ["a" * 64] * 3, [*proof, proof[0]], proof[:2]],
    )
    def test_a_path_that_is_not_the_right_number_of_32_byte_hashes_is_refused(
        self, proof: object
    ) -> None:
        assert not verify_inclusion(LEAVES[5], 5, 8, proof, self.root)  # type: ignore[arg-type]
        with pytest.raises(ProofError, match="proof"):
            check_inclusion(LEAVES[5], 5, 8, proof, self.root)  # type: ignore[arg-type]

    @pytest.mark.parametrize("bad", [b"", b"\x00" * 31, b"\x00" * 33, "00" * 32, None])
    def test_a_leaf_or_root_that_is_not_32_bytes_is_refused(self, bad: object) -> None:
        assert not verify_inclusion(bad, 5, 8, self.proof, self.root)  # type: ignore[arg-type]
        assert not verify_inclusion(LEAVES[5], 5, 8, self.proof, bad)  # type: ignore[arg-type]
        assert not verify_consistency(2, 8, bad, self.root, [])  # type: ignore[arg-type]

    def test_consistency_backwards_or_between_different_equal_sized_trees_is_refused(self) -> None:
        tree = MerkleTree(LEAVES)
        with pytest.raises(ProofError, match="cannot precede"):
            check_consistency(8, 2, self.root, tree.root(2), [])
        with pytest.raises(ProofError, match="two different roots"):
            check_consistency(8, 8, self.root, tree.root(7), [])
        with pytest.raises(ProofError, match="empty tree"):
            check_consistency(0, 8, tree.root(1), self.root, [])
        assert verify_consistency(0, 8, EMPTY_ROOT, self.root, [])
        assert not verify_consistency(0, 8, EMPTY_ROOT, self.root, [self.root])
        assert not verify_consistency(8, 8, self.root, self.root, [self.root])

    def test_asking_for_a_proof_outside_the_tree_raises_a_proof_error(self) -> None:
        tree = MerkleTree(LEAVES)
        for call in (
            lambda: tree.inclusion_proof(8),
            lambda: tree.inclusion_proof(0, 9),
            lambda: tree.consistency_proof(5, 4),
            lambda: tree.consistency_proof(1, 9),
            lambda: tree.root(9),
            lambda: inclusion_proof(LEAVES, 0, 9),
            lambda: tree.append(b"short"),
        ):
            with pytest.raises(ProofError):
                call()
