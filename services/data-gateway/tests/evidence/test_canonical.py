from __future__ import annotations

import copy
import hashlib
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from convenor_gateway.evidence.canonical import (
    GENESIS_CHAIN_HASH,
    AuditRow,
    canonical_bytes,
    chain_step,
    entry_leaf_hash,
    find_chain_break,
    record_hash,
    seal,
    verify_chain,
)

from . import tampering
from .factories import entry, log, rows_as_dicts

json_text = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["\u2028", "\x7f", "\x00\x1f", '"\\/', "\ue000", "\U0001f600", "é"]
)
scalars = st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | json_text


def json_of(leaves: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(json_text, inner, max_size=4),
        max_leaves=20,
    )


class TestCanonicalBytes:
    def test_the_rfc_8785_example_is_reproduced(self) -> None:
        value = {
            "numbers": [333333333.33333329, 1e30, 4.50, 2e-3, 0.000000000000000000000000001],
            "string": "\u20ac$\u000f\u000aA'\u0042\u0022\u005c\\\"/",
            "literals": [None, True, False],
        }
        assert canonical_bytes(value) == (
            b'{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
            b'"string":"\xe2\x82\xac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
        )

    @settings(max_examples=200)
    @given(value=json_of(scalars))
    def test_the_fast_path_writes_exactly_what_rfc8785_writes(self, value: Any) -> None:
        assert canonical_bytes(value) == rfc8785.dumps(value)

    @settings(max_examples=100)
    @given(value=json_of(scalars | st.floats(allow_nan=False, allow_infinity=False)))
    def test_values_with_floats_are_written_as_rfc8785_writes_them(self, value: Any) -> None:
        assert canonical_bytes(value) == rfc8785.dumps(value)

    def test_keys_sort_by_utf16_code_units_not_code_points(self) -> None:
        # U+1F600 is D83D DE00 in UTF-16, so it sorts before U+FFFF there (and after it in
        # Python's own ordering).
        assert canonical_bytes({"\uffff": 1, "\U0001f600": 2}) == (
            '{"\U0001f600":2,"\uffff":1}'.encode()
        )

    @pytest.mark.parametrize("bad", [{"a": 2**60}, {"a": float("nan")}, {1: 2}, {"a": "\ud800"}])
    def test_values_json_cannot_carry_are_refused(self, bad: Any) -> None:
        with pytest.raises(rfc8785.CanonicalizationError):
            canonical_bytes(bad)


class TestHashes:
    def test_the_leaf_hash_is_rfc_9162s_over_the_canonical_bytes(self) -> None:
        e = entry(1)
        assert entry_leaf_hash(e) == hashlib.sha256(b"\x00" + rfc8785.dumps(e)).digest()

    def test_a_chain_step_hashes_the_previous_chain_hash_then_the_leaf(self) -> None:
        leaf = entry_leaf_hash(entry(0))
        assert chain_step(GENESIS_CHAIN_HASH, leaf) == hashlib.sha256(bytes(32) + leaf).digest()

    def test_a_record_hash_is_the_hex_sha256_of_the_canonical_bytes(self) -> None:
        assert record_hash({"b": 1, "a": [2]}) == hashlib.sha256(b'{"a":[2],"b":1}').hexdigest()

    def test_key_order_does_not_change_a_leaf(self) -> None:
        e = entry(3)
        assert entry_leaf_hash(dict(reversed(list(e.items())))) == entry_leaf_hash(e)


class TestSeal:
    def test_rows_carry_their_index_and_chain_on_from_the_previous_one(self) -> None:
        rows = log(3)
        assert [row.index for row in rows] == [0, 1, 2]
        chain = GENESIS_CHAIN_HASH
        for row in rows:
            assert row.leaf_hash == entry_leaf_hash(row.entry).hex()
            chain = chain_step(chain, bytes.fromhex(row.leaf_hash))
            assert row.chain_hash == chain.hex()

    def test_a_log_grown_in_two_batches_equals_one_sealed_at_once(self) -> None:
        whole = log(6)
        first = list(seal(row.entry for row in whole[:4]))
        rest = seal(
            (row.entry for row in whole[4:]),
            start_index=4,
            previous_chain_hash=bytes.fromhex(first[-1].chain_hash),
        )
        assert [*first, *rest] == whole


class TestVerifyChain:
    def test_a_genuine_log_verifies(self) -> None:
        assert verify_chain(log(50)) is None
        assert verify_chain(rows_as_dicts(log(50))) is None
        assert verify_chain([]) is None

    def test_a_slice_verifies_from_the_chain_hash_before_it(self) -> None:
        rows = log(20)
        previous = bytes.fromhex(rows[9].chain_hash)
        assert verify_chain(rows[10:], start_index=10, previous_chain_hash=previous) is None
        assert verify_chain(rows[10:], start_index=10) == 10

    @pytest.mark.parametrize(
        ("tamper", "kind"),
        [
            (tampering.edit_entry, "edited"),
            (tampering.edit_leaf_hash, "edited"),
            (tampering.edit_chain_hash, "chain_hash"),
            (tampering.edit_index, "index"),
            (tampering.delete, "index"),
            (tampering.insert_fresh, "inserted"),
            (tampering.insert_with_bad_chain, "inserted"),
        ],
    )
    def test_each_kind_of_tampering_is_named_at_entry_4(self, tamper: Any, kind: str) -> None:
        rows = tamper(rows_as_dicts(log(10)), 4, 0)
        found = find_chain_break(rows)
        assert found is not None
        assert (found.index, found.kind) == (4, kind)

    def test_a_repeated_entry_is_named_where_the_copy_stands(self) -> None:
        found = find_chain_break(tampering.insert_copy(rows_as_dicts(log(10)), 6, 2))
        assert found is not None
        assert (found.index, found.kind) == (6, "repeated")

    def test_a_row_that_cannot_be_read_is_named(self) -> None:
        rows: list[Any] = rows_as_dicts(log(5))
        rows[2] = {"index": 2, "entry": "not an object", "leaf_hash": "", "chain_hash": ""}
        found = find_chain_break(rows)
        assert found is not None
        assert (found.index, found.kind) == (2, "malformed")
        rows[2] = ValueError("line 3 is not JSON")
        assert verify_chain(rows) == 2

    def test_an_upper_case_hash_is_not_the_stored_hash(self) -> None:
        rows = rows_as_dicts(log(3))
        rows[1]["leaf_hash"] = rows[1]["leaf_hash"].upper()
        assert verify_chain(rows) == 1

    def test_objects_with_attributes_are_read_like_mappings(self) -> None:
        rows = log(4)
        bad = [*rows[:2], AuditRow(2, {"x": 1}, rows[2].leaf_hash, rows[2].chain_hash), rows[3]]
        assert verify_chain(bad) == 2

    @settings(max_examples=200, deadline=None)
    @given(data=st.data(), size=st.integers(2, 40))
    def test_any_local_tampering_is_found_at_the_first_changed_entry(
        self, data: st.DataObject, size: int
    ) -> None:
        genuine = rows_as_dicts(log(size))
        name, tampered = data.draw(tampering.tampered_logs(tampering.LOCAL, genuine))
        expected = tampering.first_difference(genuine, tampered)
        assert verify_chain(copy.deepcopy(tampered)) == expected, name

    @settings(max_examples=200, deadline=None)
    @given(data=st.data(), size=st.integers(2, 40))
    def test_stored_rows_as_sequences_of_bytes_are_judged_as_mappings_are(
        self, data: st.DataObject, size: int
    ) -> None:
        # The database hands rows over as tuples or driver records holding the stored bytes;
        # those take a quicker path, which must reach the same verdict on the same rows.
        genuine = rows_as_dicts(log(size))
        name, tampered = data.draw(tampering.tampered_logs(tampering.LOCAL, genuine))
        stored = [
            {**row, "entry": canonical_bytes(row["entry"])} for row in copy.deepcopy(tampered)
        ]
        as_tuples = [(r["index"], r["entry"], r["leaf_hash"], r["chain_hash"]) for r in stored]
        as_records = [_Record(row) for row in as_tuples]
        expected = find_chain_break(stored)
        assert find_chain_break(as_tuples) == expected, name
        assert find_chain_break(as_records) == expected, name

    @settings(max_examples=50, deadline=None)
    @given(data=st.data(), size=st.integers(2, 40))
    def test_an_entry_rewritten_with_its_own_hashes_breaks_the_chain_at_the_next(
        self, data: st.DataObject, size: int
    ) -> None:
        # The chain alone cannot tell this from an altered chain hash on the next entry; the
        # signed root can (see the offline verifier's tests).
        genuine = rows_as_dicts(log(size))
        i = data.draw(st.integers(0, size - 1))
        found = find_chain_break(tampering.rewrite_one(copy.deepcopy(genuine), i, 0))
        if i == size - 1:
            assert found is None
        else:
            assert found is not None
            assert (found.index, found.kind) == (i + 1, "unlinked")

    def test_entries_given_as_their_stored_canonical_bytes_are_hashed_as_they_are(self) -> None:
        rows = [{**row, "entry": canonical_bytes(row["entry"])} for row in rows_as_dicts(log(8))]
        assert verify_chain(rows) is None
        rows[5]["entry"] = rows[5]["entry"].replace(b'"n":5', b'"n":6')
        assert verify_chain(rows) == 5
        rows[5]["entry"] = b" " + canonical_bytes(log(8)[5].entry)  # same JSON, other bytes
        assert verify_chain(rows) == 5

    def test_the_lookback_window_bounds_how_far_an_insertion_is_traced(self) -> None:
        rows = rows_as_dicts(log(12))
        for k in range(3):
            rows = tampering.insert_fresh(rows, 5 + k, 0)
        found = find_chain_break(rows, lookback=2)
        assert found is not None
        assert found.index == 8  # the genuine entry 5, now at 8, chained after a row too far back
        found = find_chain_break(rows)
        assert found is not None
        assert (found.index, found.kind) == (5, "inserted")


class _Record:
    """Like a database driver's record: indexable and iterable, not a tuple, no attributes."""

    def __init__(self, values: tuple[Any, ...]) -> None:
        self._values = values

    def __iter__(self) -> Any:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __getitem__(self, i: int) -> Any:
        return self._values[i]
