from __future__ import annotations

import json
from typing import Any

import pytest

from convenor_gateway.evidence.delivery_checks import (
    ApprovedItem,
    CheckSettings,
    DeliveryChecker,
    DeliveryReport,
    is_aggregate,
    is_aggregate_or_depersonalised,
)
from convenor_gateway.evidence.delivery_checks import check_delivery as check

AGGREGATE = [ApprovedItem("area", "aggregate"), ApprovedItem("count", "aggregate")]
ITEMS = [
    *AGGREGATE,
    ApprovedItem("notes", "aggregate"),
    ApprovedItem("year", "aggregate"),
    ApprovedItem("victims", "aggregate"),
]


def csv_report(text: str, items: list[ApprovedItem] = ITEMS, **options: Any) -> DeliveryReport:
    identifiability = options.pop("identifiability", "aggregate")
    settings = CheckSettings(**options)
    return check("csv", [text.encode()], items, identifiability, settings)


def rules(report: DeliveryReport) -> list[tuple[str | None, int | None, str]]:
    return [(p.column, p.row, p.rule) for p in report.problems]


class TestRequestKinds:
    def test_aggregate_identifiability_makes_any_request_aggregate(self) -> None:
        personal = [ApprovedItem("x", "personal")]
        assert is_aggregate("aggregate", personal)
        assert is_aggregate_or_depersonalised("aggregate", personal)

    def test_a_request_is_aggregate_or_depersonalised_when_all_its_items_are(self) -> None:
        items = [ApprovedItem("a", "aggregate"), ApprovedItem("b", "depersonalised")]
        assert is_aggregate_or_depersonalised("pseudonymised", items)
        assert not is_aggregate("pseudonymised", items)
        items.append(ApprovedItem("c", "personal"))
        assert not is_aggregate_or_depersonalised("identifiable", items)

    def test_unknown_vocabulary_is_a_programming_error(self) -> None:
        with pytest.raises(ValueError, match="identifiability"):
            DeliveryChecker("csv", ITEMS, "anonymous")
        with pytest.raises(ValueError, match="categories"):
            DeliveryChecker("csv", [ApprovedItem("a", "secret")], "aggregate")


class TestColumns:
    def test_an_approved_aggregate_return_is_accepted(self) -> None:
        report = csv_report("area,count,year\nL1,12,2024\nL1 8,0,2024\nL2,*,2024\nL3,,2025\n")
        assert report.accepted
        assert (report.rows, report.columns) == (4, ("area", "count", "year"))

    def test_an_unapproved_column_is_refused_by_name(self) -> None:
        report = csv_report("area,postcode,count\nL1,x,12\n")
        assert rules(report) == [("postcode", None, "unapproved_column")]
        assert '"postcode" is not one of the approved data items' in report.problems[0].reason
        assert not report.accepted

    def test_names_match_ignoring_case_and_surrounding_spaces(self) -> None:
        assert csv_report(" Area , COUNT\nL1,12\n").accepted

    def test_a_column_twice_or_without_a_name_is_refused(self) -> None:
        report = csv_report("area,count,Count,\nL1,12,12,x\n")
        assert rules(report) == [
            ("Count", None, "duplicate_column"),
            ("", None, "unapproved_column"),
        ]

    def test_a_header_alone_is_an_empty_but_acceptable_delivery(self) -> None:
        report = csv_report("area,count\n")
        assert report.accepted
        assert report.rows == 0

    def test_an_empty_file_is_malformed(self) -> None:
        assert rules(csv_report("")) == [(None, None, "malformed")]


class TestDirectIdentifiers:
    @pytest.mark.parametrize(
        ("cell", "rule"),
        [
            ("patient 943 476 5919", "nhs_number"),
            ("L1 8JQ", "postcode"),
            ("ring 07700 900123", "phone"),
            ("x@example.org", "email"),
        ],
    )
    def test_an_identifier_in_any_cell_is_refused_with_its_row_and_column(
        self, cell: str, rule: str
    ) -> None:
        report = csv_report(f'area,notes\nL1,ok\nL2,"{cell}"\n')
        assert rules(report) == [("notes", 2, rule)]
        assert cell not in report.problems[0].reason  # a refusal never repeats the value

    def test_a_ten_digit_number_with_a_bad_check_digit_is_not_an_nhs_number(self) -> None:
        assert csv_report("area,notes\nL1,9434765918\n").accepted

    def test_a_date_of_birth_column_is_refused_whatever_it_holds(self) -> None:
        items = [*ITEMS, ApprovedItem("dob", "aggregate")]
        report = csv_report("area,dob\nL1,1980\n", items)
        assert rules(report) == [("dob", 1, "date_of_birth")]

    def test_a_name_in_a_name_column_is_refused(self) -> None:
        items = [*ITEMS, ApprovedItem("surname", "aggregate")]
        report = csv_report("area,surname\nL1,Unknown\nL2,Smith\n", items)
        assert rules(report) == [("surname", 2, "person_name")]

    def test_a_depersonalised_request_is_screened_but_not_held_to_suppression(self) -> None:
        items = [ApprovedItem("age", "depersonalised"), ApprovedItem("notes", "depersonalised")]
        report = csv_report("age,notes\n3,ok\n4,a@b.org\n", items, identifiability="pseudonymised")
        assert rules(report) == [("notes", 2, "email")]

    def test_a_request_for_personal_data_is_not_screened(self) -> None:
        items = [ApprovedItem("nhs_number", "personal"), ApprovedItem("count", "aggregate")]
        report = csv_report(
            "nhs_number,count\n9434765919,2\n", items, identifiability="identifiable"
        )
        assert report.accepted


class TestSmallCounts:
    def test_a_count_of_3_is_refused_and_0_and_5_are_not(self) -> None:
        report = csv_report("area,count\nL1,0\nL2,5\nL3,3\nL4,12\n")
        assert rules(report) == [("count", 3, "small_count")]
        assert "below the suppression threshold of 5" in report.problems[0].reason

    @pytest.mark.parametrize("cell", ["3", "3.0", "+3", '"3"'])
    def test_a_small_count_is_recognised_however_it_is_written(self, cell: str) -> None:
        assert rules(csv_report(f"area,count\nL1,{cell}\n")) == [("count", 1, "small_count")]

    def test_suppression_markers_and_blanks_pass(self) -> None:
        assert csv_report("area,count\nL1,*\nL2,[c]\nL3,\nL4,..\nL5,<5\n").accepted

    def test_the_threshold_is_configurable(self) -> None:
        text = "area,count\nL1,7\n"
        assert csv_report(text).accepted
        assert rules(csv_report(text, suppression_threshold=10)) == [("count", 1, "small_count")]

    def test_a_column_of_whole_numbers_is_a_count_column_reported_at_the_end(self) -> None:
        report = csv_report("area,victims,year\nL1,2,2\nL2,40,2024\n")
        assert rules(report) == [("victims", 1, "small_count")]
        assert "every value in it is a whole number" in report.problems[0].reason

    def test_small_counts_found_at_the_end_are_capped_and_counted_like_the_others(self) -> None:
        text = "area,victims\n" + "".join(f"L{n},2\n" for n in range(80)) + "L,9\n"
        report = csv_report(text)
        assert [p.row for p in report.problems] == [1, 2, 3, 4, 5]
        assert report.unlisted == 75

    def test_a_column_with_any_other_value_is_not_taken_for_counts(self) -> None:
        assert csv_report("area,victims\nL1,2\nL2,2.5\n").accepted
        assert csv_report("area,victims\nL1,2\nL2,some\n").accepted

    def test_inferring_counts_from_whole_numbers_can_be_turned_off(self) -> None:
        assert csv_report("area,victims\nL1,2\n", infer_counts=False).accepted

    def test_which_names_mean_counts_is_configurable(self) -> None:
        items = [ApprovedItem("area", "aggregate"), ApprovedItem("victims", "aggregate")]
        report = csv_report(
            "area,victims\nL1,2\nL2,x\n", items, count_columns="victims", infer_counts=False
        )
        assert rules(report) == [("victims", 1, "small_count")]


class TestMalformed:
    def test_a_row_with_the_wrong_number_of_fields_is_refused_and_reading_goes_on(self) -> None:
        report = csv_report("area,count\nL1,12,extra\nL2,3\n")
        assert rules(report) == [(None, 1, "malformed"), ("count", 2, "small_count")]
        assert report.complete

    def test_broken_quoting_stops_the_read(self) -> None:
        report = csv_report('area,count\nL1,12\nL2,"3\n')
        assert rules(report) == [(None, 2, "malformed")]
        assert not report.complete


class TestCaps:
    def test_one_rule_in_one_column_is_listed_a_few_times_and_the_rest_counted(self) -> None:
        text = "area,count\n" + "".join(f"L{n},3\n" for n in range(20))
        report = csv_report(text)
        assert [p.row for p in report.problems] == [1, 2, 3, 4, 5]
        assert report.unlisted == 15
        assert report.complete
        assert not report.accepted

    def test_reading_stops_once_enough_problems_are_listed(self) -> None:
        items = [ApprovedItem(f"c{n}", "aggregate") for n in range(10)]
        header = ",".join(f"c{n}" for n in range(10))
        text = header + "\n" + "\n".join(",".join(["a@b.org"] * 10) for _ in range(100)) + "\n"
        report = csv_report(text, items, max_problems=12)
        assert len(report.problems) == 12
        assert not report.complete

    def test_feed_says_when_to_stop_sending(self) -> None:
        checker = DeliveryChecker("csv", AGGREGATE, "aggregate", CheckSettings(max_problems=1))
        assert checker.feed(b"area,count\nL1,12\n")
        assert not checker.feed(b"L2,3\n")
        assert not checker.finish().complete


class TestStreaming:
    def test_the_report_does_not_depend_on_how_the_bytes_arrive(self) -> None:
        text = b'area,notes,count\nL1,"multi\nline, L1 8JQ",3\nL2,ok,9\nL3,"a@b.org",4\n'
        whole = check("csv", [text], ITEMS, "aggregate")
        bytewise = check("csv", [text[i : i + 1] for i in range(len(text))], ITEMS, "aggregate")
        assert whole == bytewise
        assert rules(whole) == [
            ("notes", 1, "postcode"),
            ("count", 1, "small_count"),
            ("notes", 3, "email"),
            ("count", 3, "small_count"),
        ]


class TestJson:
    def test_a_json_array_of_objects_is_checked_like_a_csv_file(self) -> None:
        rows = [
            {"area": "L1", "count": 12},
            {"area": "L2", "count": 3, "postcode": "L1 8JQ"},
            {"area": "L3", "count": None, "notes": 9434765919},
            {"area": "L4", "count": 4.0},
        ]
        data = json.dumps(rows).encode()
        report = check(
            "json", [data[i : i + 7] for i in range(0, len(data), 7)], ITEMS, "aggregate"
        )
        assert rules(report) == [
            ("count", 2, "small_count"),
            ("postcode", 2, "unapproved_column"),
            ("notes", 3, "nhs_number"),
            ("count", 4, "small_count"),
        ]

    def test_a_nested_value_is_malformed(self) -> None:
        report = check("json", [b'[{"area": {"code": "L1"}}]'], ITEMS, "aggregate")
        assert rules(report) == [("area", 1, "malformed")]

    def test_a_document_that_is_not_an_array_is_malformed(self) -> None:
        report = check("json", [b'{"area": "L1"}'], ITEMS, "aggregate")
        assert rules(report) == [(None, None, "malformed")]
        assert not report.complete
