"""Incremental readers for delivered tables: bytes in as they arrive, records out.

- :class:`CsvStream`: UTF-8 CSV (a byte-order mark is dropped). A record ends at a newline
  outside quotes, so quoted fields may hold newlines; each complete record goes through the
  ``csv`` module. A quote inside an unquoted field makes the record boundaries ambiguous, so
  such a file is refused rather than guessed at. Records end in ``\\n`` or ``\\r\\n``.
- :class:`JsonArrayStream`: a JSON array of objects, decoded one element at a time, so only
  the element being read is held in memory. Duplicate keys, ``NaN`` and ``Infinity`` are
  refused.

Both raise :class:`TableFormatError` (with the 1-based number of the record at fault: for CSV
the header is record 1) on malformed input and on a record longer than ``max_record_bytes``,
which bounds memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from typing import Any

DEFAULT_MAX_RECORD_BYTES = 1024 * 1024
_JSON_SPACE = re.compile(r"[ \t\n\r]*")


class TableFormatError(ValueError):
    """The delivered bytes are not a well-formed table of the declared kind."""

    def __init__(self, message: str, record: int | None = None) -> None:
        super().__init__(message)
        self.record = record


class _Text:
    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")

    def decode(self, data: bytes, *, final: bool = False) -> str:
        try:
            return self._decoder.decode(data, final)
        except UnicodeDecodeError:
            raise TableFormatError("the file is not UTF-8 text") from None


class CsvStream:
    """Splits CSV bytes into records; the first record returned is the header."""

    def __init__(self, *, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES) -> None:
        self._text = _Text()
        self._buffer = ""
        self._scanned = 0  # how far into the buffer quotes have been counted
        self._quotes = 0  # quotes counted in the open record: odd means inside a quoted field
        self._max = max_record_bytes
        self.records = 0

    def feed(self, data: bytes) -> list[list[str]]:
        """The records completed by ``data``."""
        self._buffer += self._text.decode(data)
        return self._drain(final=False)

    def finish(self) -> list[list[str]]:
        """The last records (a final record need not end in a newline)."""
        self._buffer += self._text.decode(b"", final=True)
        records = self._drain(final=True)
        if self._buffer.strip("\r\n"):
            if self._quotes % 2:
                raise TableFormatError("a quoted field is never closed", self.records + 1)
            records.extend(self._parse(self._buffer))
        self._buffer = ""
        return records

    def _drain(self, *, final: bool) -> list[list[str]]:
        ends: list[int] = []
        start, buffer = 0, self._buffer
        while (newline := buffer.find("\n", self._scanned)) >= 0:
            self._quotes += buffer.count('"', self._scanned, newline)
            self._scanned = newline + 1
            if self._quotes % 2 == 0:  # the newline is outside quotes: a record ends here
                ends.append(newline + 1)
                self._quotes = 0
        records = self._parse_block(buffer, start, ends)
        if ends:
            start = ends[-1]
        self._quotes += buffer.count('"', self._scanned)
        self._scanned = len(buffer)
        self._buffer = buffer[start:]
        self._scanned -= start
        if not final and len(self._buffer) > self._max:
            raise TableFormatError(
                f"a record is longer than {self._max} bytes (or a quote is never closed)",
                self.records + 1,
            )
        return records

    def _parse_block(self, buffer: str, start: int, ends: list[int]) -> list[list[str]]:
        """The records ending at ``ends``: parsed in one go, which is several times quicker
        than one by one; if the csv module sees them otherwise than the splitter did (a stray
        quote), one by one again to say which record is at fault."""
        if not ends:
            return []
        blank = sum(
            1
            for begin, end in zip([start, *ends[:-1]], ends, strict=True)
            if end - begin <= 2 and not buffer[begin:end].strip("\r\n")
        )
        try:
            rows = list(csv.reader(io.StringIO(buffer[start : ends[-1]]), strict=True))
        except csv.Error:
            rows = []
        parsed = [row for row in rows if row]
        if len(rows) == len(ends) and len(parsed) == len(ends) - blank:
            self.records += len(parsed)
            return parsed
        records: list[list[str]] = []
        for begin, end in zip([start, *ends[:-1]], ends, strict=True):
            records.extend(self._parse(buffer[begin:end]))
        return records

    def _parse(self, text: str) -> list[list[str]]:
        if not text.strip("\r\n"):
            return []  # blank lines carry no record
        try:
            rows = list(csv.reader([text], strict=True))
        except csv.Error as exc:
            # A newline inside what the splitter took for one record: a stray quote moved the
            # record boundaries, which the csv module then reports in its own terms.
            stray = "new-line" in str(exc)
            message = "a quote inside an unquoted field" if stray else f"malformed CSV: {exc}"
            raise TableFormatError(message, self.records + 1) from None
        if len(rows) != 1:
            raise TableFormatError("a quote inside an unquoted field", self.records + 1)
        self.records += 1
        return rows


class JsonArrayStream:
    """Reads a JSON array of objects one element at a time."""

    def __init__(self, *, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES) -> None:
        self._text = _Text()
        self._buffer = ""
        self._state = "start"  # start, first (element or ]), element, after (, or ]), done
        self._max = max_record_bytes
        self._decoder = json.JSONDecoder(
            object_pairs_hook=_unique_keys, parse_constant=_no_constant
        )
        self.records = 0

    def feed(self, data: bytes) -> list[dict[str, Any]]:
        """The elements completed by ``data``."""
        self._buffer += self._text.decode(data)
        return self._drain(final=False)

    def finish(self) -> list[dict[str, Any]]:
        """The last elements; raises if the array is not closed."""
        self._buffer += self._text.decode(b"", final=True)
        elements = self._drain(final=True)
        if self._state != "done":
            raise TableFormatError("the JSON array is not closed", self.records + 1)
        return elements

    def _drain(self, *, final: bool) -> list[dict[str, Any]]:
        elements: list[dict[str, Any]] = []
        buffer, pos = self._buffer, 0
        while True:
            space = _JSON_SPACE.match(buffer, pos)
            pos = space.end() if space else pos
            if pos == len(buffer):
                break
            char = buffer[pos]
            if self._state == "done":
                raise TableFormatError("data after the end of the JSON array")
            if self._state == "start":
                if char != "[":
                    raise TableFormatError("a JSON delivery is an array of objects")
                pos, self._state = pos + 1, "first"
            elif self._state == "after":
                if char not in ",]":
                    raise TableFormatError("expected ',' or ']' after an element", self.records)
                pos, self._state = pos + 1, "element" if char == "," else "done"
            elif char == "]" and self._state == "first":
                pos, self._state = pos + 1, "done"
            else:
                try:
                    element, end = self._decoder.raw_decode(buffer, pos)
                except json.JSONDecodeError as exc:
                    # An element cut off by the end of the chunk fails the same way as a bad
                    # one: wait for more, unless no more can come or it is already too long.
                    if final or len(buffer) - pos > self._max:
                        raise TableFormatError(
                            f"malformed JSON: {exc.msg}", self.records + 1
                        ) from None
                    break
                except ValueError as exc:
                    raise TableFormatError(str(exc), self.records + 1) from None
                self.records += 1
                if not isinstance(element, dict):
                    raise TableFormatError("an element of the array is not an object", self.records)
                elements.append(element)
                pos, self._state = end, "after"
        self._buffer = buffer[pos:]
        return elements


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("an object repeats a key")
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")
