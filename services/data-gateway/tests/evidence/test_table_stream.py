from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convenor_gateway.evidence.table_stream import CsvStream, JsonArrayStream, TableFormatError

TRICKY_CSV = (
    '\ufeffarea,note,count\r\nL1,"two\nlines",5\r\nL2,"a ""quoted"" word, and a comma",7\n'
    'L3,"é ünïcode",9\n\nL4,,10'
).encode()
TRICKY_ROWS = [
    ["area", "note", "count"],
    ["L1", "two\nlines", "5"],
    ["L2", 'a "quoted" word, and a comma', "7"],
    ["L3", "é ünïcode", "9"],
    ["L4", "", "10"],
]


def read_csv(data: bytes, piece: int, **options: Any) -> list[list[str]]:
    stream = CsvStream(**options)
    records = []
    for start in range(0, len(data), piece):
        records.extend(stream.feed(data[start : start + piece]))
    return records + stream.finish()


def read_json(data: bytes, piece: int, **options: Any) -> list[dict[str, Any]]:
    stream = JsonArrayStream(**options)
    elements = []
    for start in range(0, len(data), piece):
        elements.extend(stream.feed(data[start : start + piece]))
    return elements + stream.finish()


class TestCsv:
    @pytest.mark.parametrize("piece", [1, 2, 3, 7, 64, 10_000])
    def test_records_come_out_whole_however_the_bytes_are_split(self, piece: int) -> None:
        assert read_csv(TRICKY_CSV, piece) == TRICKY_ROWS

    @settings(max_examples=100, deadline=None)
    @given(
        rows=st.lists(
            st.lists(
                st.text(st.characters(codec="utf-8", exclude_characters="\r\x00")),
                min_size=3,
                max_size=3,
            ),
            min_size=1,
            max_size=20,
        ),
        piece=st.integers(1, 50),
    )
    def test_whatever_the_csv_module_writes_is_read_back(
        self, rows: list[list[str]], piece: int
    ) -> None:
        out = io.StringIO(newline="")
        csv.writer(out, lineterminator="\n").writerows(rows)
        assert read_csv(out.getvalue().encode(), piece) == rows

    def test_a_quoted_field_never_closed_is_malformed(self) -> None:
        with pytest.raises(TableFormatError, match="never closed") as raised:
            read_csv(b'a,b\n1,"open\n2,3\n', 4)
        assert raised.value.record == 2

    def test_a_stray_quote_that_makes_record_boundaries_ambiguous_is_refused(self) -> None:
        with pytest.raises(TableFormatError, match="quote inside an unquoted field"):
            read_csv(b'a,b\n1,x"y\n2,"z\n', 3)

    def test_text_after_a_closing_quote_is_malformed(self) -> None:
        with pytest.raises(TableFormatError, match="malformed CSV"):
            read_csv(b'a,b\n"x"y,1\n', 100)

    def test_a_record_longer_than_the_limit_stops_the_read(self) -> None:
        with pytest.raises(TableFormatError, match="longer than 100 bytes"):
            read_csv(b"a,b\n" + b"x" * 1000, 10, max_record_bytes=100)

    def test_bytes_that_are_not_utf8_are_refused_even_split_mid_character(self) -> None:
        assert read_csv("a\né\n".encode(), 1) == [["a"], ["é"]]
        with pytest.raises(TableFormatError, match="UTF-8"):
            read_csv("a\né\n".encode("latin-1"), 1)


class TestJsonArray:
    document = json.dumps(
        [{"area": "L1", "count": 5}, {"area": 'L2 \u2014 "x"', "count": None}, {}],
        indent=2,
    ).encode()

    @pytest.mark.parametrize("piece", [1, 2, 5, 13, 100_000])
    def test_elements_come_out_one_by_one_however_the_bytes_are_split(self, piece: int) -> None:
        assert read_json(self.document, piece) == json.loads(self.document)

    def test_an_empty_array_has_no_rows(self) -> None:
        assert read_json(b" [ ] ", 1) == []

    @pytest.mark.parametrize(
        ("document", "message"),
        [
            (b'{"a": 1}', "array of objects"),
            (b"[1, 2]", "not an object"),
            (b'[{"a": 1} {"a": 2}]', "expected ','"),
            (b'[{"a": 1}', "not closed"),
            (b'[{"a": 1},', "not closed"),
            (b'[{"a": 1}] x', "after the end"),
            (b'[{"a": 1, "a": 2}]', "repeats a key"),
            (b'[{"a": NaN}]', "NaN"),
            (b'[{"a": tru}]', "malformed JSON"),
            (b"", "not closed"),
        ],
    )
    def test_malformed_documents_are_refused(self, document: bytes, message: str) -> None:
        with pytest.raises(TableFormatError, match=message):
            read_json(document, 3)

    def test_an_element_longer_than_the_limit_stops_the_read(self) -> None:
        document = b'[{"a": "' + b"x" * 1000
        with pytest.raises(TableFormatError, match="malformed JSON") as raised:
            read_json(document, 10, max_record_bytes=100)
        assert raised.value.record == 1
