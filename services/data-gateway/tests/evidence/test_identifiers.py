from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convenor_gateway.evidence import identifiers as ids


def naive_nhs_ok(digits: str) -> bool:
    # The NHS Data Dictionary's description, step by step.
    weighted = sum(int(digits[i]) * (10 - i) for i in range(9))
    remainder = weighted % 11
    check = 11 - remainder
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


class TestNhsNumbers:
    @pytest.mark.parametrize(
        "text",
        ["9434765919", "943 476 5919", "943-476-5919", "4010232137", "NHS no 943 476 5919 seen"],
    )
    def test_ten_digits_with_a_valid_check_digit_are_found(self, text: str) -> None:
        assert ids.has_nhs_number(text)

    @pytest.mark.parametrize(
        "text",
        [
            "9434765918",  # wrong check digit
            "1234567890",  # its check digit would have to be 10: no such number
            "943 4765919",  # grouped other than 3-3-4
            "943 476-5919",  # mixed separators
            "94347659190",  # eleven digits
            "19434765919",
            "943476591",
            "2023",
        ],
    )
    def test_numbers_that_are_not_nhs_numbers_pass(self, text: str) -> None:
        assert not ids.has_nhs_number(text)

    @given(st.text("0123456789", min_size=10, max_size=10))
    def test_the_check_digit_agrees_with_the_data_dictionary(self, digits: str) -> None:
        assert ids.nhs_check_digit_ok(digits) == naive_nhs_ok(digits)


class TestPostcodes:
    @pytest.mark.parametrize(
        "text",
        [
            "L1 8JQ",
            "l18jq",
            "SW1A 1AA",
            "GIR 0AA",
            "EC1A 1BB",
            "W1A 0AX",
            "M1 1AE",
            "B33 8TH",
            "CR2 6XH",
            "DN55 1PT",
            "lives at 12 High St, L1 8JQ",
        ],
    )
    def test_full_postcodes_are_found(self, text: str) -> None:
        assert ids.has_postcode(text)

    @pytest.mark.parametrize(
        "text", ["L1", "L1 8", "SW1A", "LS1", "E01000001", "Q1 1AA", "XL1 8JQ", "L1 8JQX", "CV1"]
    )
    def test_outward_codes_sectors_and_lookalikes_pass(self, text: str) -> None:
        assert not ids.has_postcode(text)


class TestEmailAndPhone:
    @pytest.mark.parametrize(
        "text", ["someone@example.org", "contact: a.b+c@mail.example.co.uk", "X@Y.IO"]
    )
    def test_email_addresses_are_found(self, text: str) -> None:
        assert ids.has_email(text)

    @pytest.mark.parametrize("text", ["@handle", "a@b", "user@localhost", "50 @ 3%"])
    def test_things_with_an_at_sign_that_are_not_emails_pass(self, text: str) -> None:
        assert not ids.has_email(text)

    @pytest.mark.parametrize(
        "text",
        [
            "07700 900123",
            "07700900123",
            "+44 7700 900123",
            "+447700900123",
            "00447700900123",
            "+44 (0)161 496 0000",
            "(0161) 496 0000",
            "0161-496-0000",
            "020 7946 0000",
            "0113 496 0000",
            "01632 960123",
            "0300 123 1234",
            "call 07700 900123 after six",
        ],
    )
    def test_uk_mobile_and_landline_numbers_are_found(self, text: str) -> None:
        assert ids.has_uk_phone(text)

    @pytest.mark.parametrize(
        "text",
        [
            "0800 123 4567",  # freephone: an organisation's, not a person's
            "01 02 2023 12:00",
            "2023-01-15",
            "12345678901",
            "0770090012",  # a digit short
            "077009001234",  # a digit long
            "E01000001",
            "1,234,567,890",
        ],
    )
    def test_numbers_that_are_not_phone_numbers_pass(self, text: str) -> None:
        assert not ids.has_uk_phone(text)


class TestDatesOfBirth:
    @pytest.mark.parametrize(
        "text",
        [
            "1980-02-03",
            "1980-02-03T00:00:00Z",
            "03/02/1980",
            "3/2/80",
            "03.02.1980",
            "3 Feb 1980",
            "3rd February 1980",
            "February 3, 1980",
            "19800203",
            "12/25/1980",  # US order still a date
        ],
    )
    def test_full_dates_are_recognised(self, text: str) -> None:
        assert ids.looks_like_full_date(text)

    @pytest.mark.parametrize(
        "text", ["1980", "Feb 1980", "31/02/1980", "13/13/1980", "2023-Q1", "40-44", "19801340"]
    )
    def test_years_months_and_impossible_dates_are_not(self, text: str) -> None:
        assert not ids.looks_like_full_date(text)

    @pytest.mark.parametrize("column", ["DOB", "dob", "Date of Birth", "DateOfBirth", "birth_date"])
    def test_columns_named_for_a_date_of_birth_are_recognised(self, column: str) -> None:
        assert ids.is_dob_column(column)
        assert ids.find_identifier(ids.ColumnKind.of(column), "1980") == "date_of_birth"

    @pytest.mark.parametrize("column", ["mother_birth", "born_on", "birth_year", "BirthDay"])
    def test_columns_that_mention_birth_refuse_only_dates(self, column: str) -> None:
        kind = ids.ColumnKind.of(column)
        assert not ids.is_dob_column(column)
        assert ids.find_identifier(kind, "03/02/1980") == "date_of_birth"
        assert ids.find_identifier(kind, "1980") is None

    def test_dates_in_other_columns_are_not_dates_of_birth(self) -> None:
        assert ids.find_identifier(ids.ColumnKind.of("incident_date"), "03/02/1980") is None


class TestPersonNames:
    @pytest.mark.parametrize(
        "column",
        ["name", "Surname", "FirstName", "first_name", "full_name", "victim_name", "display_name"],
    )
    def test_columns_named_for_a_person_are_recognised(self, column: str) -> None:
        assert ids.suggests_person_name(column)

    @pytest.mark.parametrize(
        "column", ["area_name", "Ward Name", "offence_name", "team_name", "name_of_area", "count"]
    )
    def test_names_of_places_organisations_and_things_are_not(self, column: str) -> None:
        assert not ids.suggests_person_name(column)

    @pytest.mark.parametrize(
        "text", ["John Smith", "SMITH, John", "J. Smith", "O'Neil", "Mary-Jane  Smith", "Zoë"]
    )
    def test_name_shaped_values_are_names(self, text: str) -> None:
        assert ids.looks_like_person_name(text)

    @pytest.mark.parametrize("text", ["Unknown", "N/A", "not stated", "12", "John 2", "A1", ""])
    def test_placeholders_and_numbers_are_not(self, text: str) -> None:
        assert not ids.looks_like_person_name(text)

    def test_a_name_outside_a_name_column_is_not_looked_for(self) -> None:
        assert ids.find_identifier(ids.ColumnKind.of("ward"), "John Smith") is None
        assert ids.find_identifier(ids.ColumnKind.of("surname"), "John Smith") == "person_name"


class TestColumnNames:
    @pytest.mark.parametrize(
        ("name", "normal"),
        [
            ("Date of Birth", "date_of_birth"),
            ("DateOfBirth", "date_of_birth"),
            ("date-of-birth", "date_of_birth"),
            ("NHSNumber", "nhs_number"),
            ("  D.O.B. ", "d_o_b"),
        ],
    )
    def test_spellings_of_a_column_name_normalise_alike(self, name: str, normal: str) -> None:
        assert ids.normalise_column(name) == normal


class TestFindIdentifier:
    kind = ids.ColumnKind.of("notes")

    @pytest.mark.parametrize(
        ("text", "rule"),
        [
            ("mail me at a@b.org", "email"),
            ("+44 7700 900123", "phone"),
            ("943 476 5919", "nhs_number"),
            ("L1 8JQ", "postcode"),
            ("L1 8", None),
            ("12", None),
            ("a fine summer", None),
        ],
    )
    def test_a_cell_is_refused_under_the_first_rule_it_breaks(
        self, text: str, rule: str | None
    ) -> None:
        assert ids.find_identifier(self.kind, text) == rule
