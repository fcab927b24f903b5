from __future__ import annotations

import copy
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from convenor_gateway.evidence.canonical import canonical_bytes
from convenor_gateway.evidence.offline_verify import (
    VerifyReport,
    read_export,
    verify_export,
    verify_rows,
)
from convenor_gateway.evidence.signed_note import parse_checkpoint, verify_note

from . import tampering
from .factories import Signer, export_lines, log, rows_as_dicts

SIGNER = Signer()


def verify(rows: tampering.Rows, checkpoint: str) -> VerifyReport:
    return verify_export(export_lines(rows), checkpoint, [SIGNER.verifier])


class TestGenuineExports:
    def test_an_export_matching_its_checkpoint_verifies(self) -> None:
        rows = rows_as_dicts(log(37))
        report = verify(rows, SIGNER.checkpoint(rows))
        assert report == VerifyReport(True, 37, None, report.reason, 37)
        assert report.as_dict()["ok"] is True

    def test_entries_after_the_checkpoint_are_checked_against_the_chain(self) -> None:
        rows = rows_as_dicts(log(30))
        checkpoint = SIGNER.checkpoint(rows, 20)
        assert verify(rows, checkpoint).ok
        rows[25]["entry"]["event"] = "request.erased"
        assert verify(rows, checkpoint).first_bad_index == 25

    def test_an_empty_log_verifies_against_the_empty_checkpoint(self) -> None:
        assert verify([], SIGNER.checkpoint([])).ok

    def test_blank_lines_and_bytes_are_accepted(self) -> None:
        rows = rows_as_dicts(log(3))
        lines = [line.encode() for line in export_lines(rows)] + [b"\n"]
        assert verify_export(lines, SIGNER.checkpoint(rows), [SIGNER.verifier]).ok

    def test_stored_rows_verify_without_a_checkpoint(self) -> None:
        assert verify_rows(log(10)).ok

    def test_stored_rows_holding_canonical_bytes_verify_against_the_checkpoint(self) -> None:
        rows = rows_as_dicts(log(9))
        checkpoint = verify_note(SIGNER.checkpoint(rows), [SIGNER.verifier])
        stored = [{**row, "entry": canonical_bytes(row["entry"])} for row in rows]
        assert verify_rows(stored, checkpoint).ok
        stored[3]["entry"] += b" "
        assert verify_rows(stored, checkpoint).first_bad_index == 3


class TestTheCheckpoint:
    rows = rows_as_dicts(log(5))

    def test_a_checkpoint_signed_by_an_unknown_key_fails_before_any_entry(self) -> None:
        report = verify(self.rows, Signer(seed=9).checkpoint(self.rows))
        assert (report.ok, report.checked, report.first_bad_index) == (False, 0, None)
        assert "checkpoint does not verify" in report.reason

    def test_a_checkpoint_from_another_log_fails(self) -> None:
        checkpoint = SIGNER.checkpoint(self.rows)
        report = verify_export(
            export_lines(self.rows), checkpoint, [SIGNER.verifier], origin="other.example/log"
        )
        assert not report.ok
        assert "not 'other.example/log'" in report.reason

    def test_the_report_carries_the_checkpoints_size(self) -> None:
        checkpoint = SIGNER.checkpoint(self.rows, 3)
        assert verify(self.rows, checkpoint).tree_size == parse_checkpoint(checkpoint).size == 3


class TestTampering:
    @settings(max_examples=200, deadline=None)
    @given(data=st.data(), size=st.integers(2, 30))
    def test_any_change_is_caught_and_the_first_bad_entry_named(
        self, data: st.DataObject, size: int
    ) -> None:
        genuine = rows_as_dicts(log(size))
        checkpoint = SIGNER.checkpoint(genuine)
        name, tampered = data.draw(
            tampering.tampered_logs([*tampering.LOCAL, tampering.rewrite_one], genuine)
        )
        expected = tampering.first_difference(genuine, tampered)
        if expected is None:  # a strict prefix: the tail after the checkpoint was cut off
            expected = len(tampered) if len(tampered) < size else None
        report = verify(copy.deepcopy(tampered), checkpoint)
        if name == "rewrite_one" and expected == size - 1:
            # The last entry rewritten with fresh hashes: no later entry disagrees, only the
            # root does, so the verifier says it cannot tell where.
            assert (report.ok, report.first_bad_index) == (False, None), name
        else:
            assert (report.ok, report.first_bad_index) == (expected is None, expected), name

    @settings(max_examples=50, deadline=None)
    @given(data=st.data(), size=st.integers(1, 30))
    def test_cutting_off_the_tail_names_the_first_missing_entry(
        self, data: st.DataObject, size: int
    ) -> None:
        genuine = rows_as_dicts(log(size))
        keep = data.draw(st.integers(0, size - 1))
        report = verify(genuine[:keep], SIGNER.checkpoint(genuine))
        assert (report.ok, report.first_bad_index, report.checked) == (False, keep, keep)
        assert "missing" in report.reason

    def test_an_entry_rewritten_with_its_own_hashes_is_named_by_the_signed_root(self) -> None:
        genuine = rows_as_dicts(log(10))
        report = verify(
            tampering.rewrite_one(copy.deepcopy(genuine), 4, 0), SIGNER.checkpoint(genuine)
        )
        assert (report.ok, report.first_bad_index) == (False, 4)
        assert "rewritten" in report.reason

    def test_an_altered_chain_hash_is_told_apart_from_a_rewrite_by_the_root(self) -> None:
        genuine = rows_as_dicts(log(10))
        tampered = tampering.edit_chain_hash(copy.deepcopy(genuine), 9, 0)  # no next entry
        report = verify(tampered, SIGNER.checkpoint(genuine))
        assert (report.ok, report.first_bad_index) == (False, 9)
        assert "chain hash of entry 9 was altered" in report.reason

    def test_a_tail_rewritten_consistently_fails_on_the_root_alone(self) -> None:
        genuine = rows_as_dicts(log(10))
        tampered = tampering.rewrite_tail(copy.deepcopy(genuine), 3, 0)
        report = verify(tampered, SIGNER.checkpoint(genuine))
        assert (report.ok, report.first_bad_index, report.checked) == (False, None, 10)
        assert "earlier" in report.reason

    def test_a_line_that_is_not_json_is_named(self) -> None:
        genuine = rows_as_dicts(log(6))
        lines = export_lines(genuine)
        lines[2] = lines[2][:-5] + "\n"
        report = verify_export(lines, SIGNER.checkpoint(genuine), [SIGNER.verifier])
        assert (report.ok, report.first_bad_index) == (False, 2)
        assert "line 3 is not JSON" in report.reason

    def test_a_line_with_extra_or_missing_fields_is_named(self) -> None:
        genuine = rows_as_dicts(log(6))
        for change in ({"note": "x"}, {"chain_hash": None}):
            rows = copy.deepcopy(genuine)
            rows[4] = {**rows[4], **change}
            rows[4] = {k: v for k, v in rows[4].items() if v is not None}
            assert verify(rows, SIGNER.checkpoint(genuine)).first_bad_index == 4

    def test_a_repeated_key_in_a_line_is_refused(self) -> None:
        line = json.dumps(rows_as_dicts(log(1))[0])
        forged = line[:-1] + ', "index": 0}'
        rows = list(read_export([forged]))
        assert isinstance(rows[0], ValueError)
