"""Checks a delivered dataset against what was approved, row by row as it streams in.

Rules, each a stable code in :attr:`Problem.rule`:

- ``unapproved_column``: every column must be one of the approved data item names (compared
  ignoring case and surrounding spaces); ``duplicate_column``: no column twice.
- For a request that is *aggregate or depersonalised* (identifiability ``aggregate``, or every
  approved item's category ``aggregate`` or ``depersonalised``), no direct identifiers in any
  cell: ``nhs_number``, ``date_of_birth``, ``postcode``, ``email``, ``phone``, ``person_name``
  (see :mod:`convenor_gateway.evidence.identifiers` for what each detects).
- For an *aggregate* request (identifiability ``aggregate``, or every item ``aggregate``),
  ``small_count``: no count above 0 and below the suppression threshold (default 5). A column
  holds counts if its name says so (``count``, ``n``, ``number``, ``total``, ``n_...``,
  ``number_of_...``, ``..._count``, ``..._total``: :attr:`CheckSettings.count_columns`), or if
  every value in it is a whole number and its name is not a year, period, date, id or code
  (:attr:`CheckSettings.not_count_columns`; set ``infer_counts=False`` to turn that off).
  Depersonalised record-level data is not held to this rule: its whole numbers are ages and
  quantities, not counts of people.
- ``malformed``: the bytes are not a well-formed CSV file or JSON array of objects.

Blank cells and suppression markers (``*``, ``[c]``, ``..``, ...) pass every rule. A problem
names its column, its 1-based data row (``None`` for the CSV header) and the reason in plain
English, never the value found. Up to ``max_problems`` are listed, at most
``max_per_rule_and_column`` for one rule in one column (the rest are counted as
``unlisted``), and reading stops once ``max_problems`` are listed or ``max_findings`` found.
Whole-number columns are known only at the end, so their small counts are reported then.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from convenor_gateway.evidence import identifiers as ids
from convenor_gateway.evidence.table_stream import CsvStream, JsonArrayStream, TableFormatError

IDENTIFIABILITY = ("aggregate", "pseudonymised", "identifiable")
CATEGORIES = (
    "aggregate",
    "depersonalised",
    "pseudonymised",
    "personal",
    "special_category",
    "criminal_offence",
)
_INTEGER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.0+)?")
_NUMBER_STARTS = frozenset("+-0123456789")
_MARKER = "suppressed"  # the verdict on a blank cell or a suppression marker: nothing to check
# Short values only, and so many per column: at most a few megabytes for a wide return.
_VERDICTS_PER_COLUMN, _VERDICT_TEXT = 1024, 64
_IDENTIFIER_REASONS = {
    "nhs_number": "an NHS number (ten digits with a valid check digit)",
    "date_of_birth": "a date of birth",
    "postcode": "a full postcode (give the outward code or sector, such as L1 or L1 8)",
    "email": "an email address",
    "phone": "a phone number",
    "person_name": "what looks like a person's name",
}


@dataclass(frozen=True, slots=True)
class ApprovedItem:
    """An approved data item: the column name the delivery may use, and its category."""

    name: str
    category: str


@dataclass(frozen=True, slots=True)
class CheckSettings:
    """What the checks allow; the defaults are the gateway's documented ones."""

    suppression_threshold: int = 5
    count_columns: str = (
        r"(counts?|n|number|total|frequency|freq)|(n|num|number|count)_.+|.+_(counts?|total|n)"
    )
    not_count_columns: str = (
        r"(.+_)?(year|yr|period|month|quarter|qtr|week|fy|date|day|id|code|ref|reference"
        r"|rank|order|seq|sequence|version)(_.+)?"
    )
    infer_counts: bool = True
    suppression_markers: frozenset[str] = frozenset(
        {"", "*", "**", "c", "[c]", "x", "[x]", "z", "[z]", "..", "-", "~", "<5", "suppressed"}
    )
    max_problems: int = 50
    max_per_rule_and_column: int = 5
    max_findings: int = 10_000
    max_record_bytes: int = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a delivery is refused."""

    column: str | None
    row: int | None
    rule: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        """The problem as JSON."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """The outcome of checking a delivery."""

    problems: tuple[Problem, ...]
    rows: int
    columns: tuple[str, ...]
    complete: bool  # the whole delivery was read
    unlisted: int = 0  # problems found beyond the listing caps

    @property
    def accepted(self) -> bool:
        """Whether the delivery may be stored."""
        return self.complete and not self.problems and not self.unlisted


def is_aggregate(identifiability: str, items: Iterable[ApprovedItem]) -> bool:
    """Whether small-number suppression applies: an aggregate request."""
    return identifiability == "aggregate" or all(i.category == "aggregate" for i in items)


def is_aggregate_or_depersonalised(identifiability: str, items: Iterable[ApprovedItem]) -> bool:
    """Whether direct identifiers are refused: an aggregate or depersonalised request."""
    return identifiability == "aggregate" or all(
        i.category in ("aggregate", "depersonalised") for i in items
    )


@dataclass(slots=True)
class _Column:
    name: str
    position: int
    approved: bool
    kind: ids.ColumnKind
    counts: bool = False  # named as a count
    inferable: bool = False  # may turn out to be a count by holding only whole numbers
    whole_numbers: bool = True
    any_number: bool = False
    small: list[int] = field(default_factory=list)  # rows of small whole numbers, deferred
    more_small: int = 0  # and how many more there were
    verdicts: dict[str, tuple[int | None, str | None]] = field(default_factory=dict)


class DeliveryChecker:
    """Feed it the delivery's bytes as they arrive, then call :meth:`finish`."""

    def __init__(
        self,
        media_type: Literal["csv", "json"],
        approved_items: Sequence[ApprovedItem],
        identifiability: str,
        settings: CheckSettings | None = None,
    ) -> None:
        if identifiability not in IDENTIFIABILITY:
            raise ValueError(f"unknown identifiability {identifiability!r}")
        if unknown := {i.category for i in approved_items} - set(CATEGORIES):
            raise ValueError(f"unknown data item categories {sorted(unknown)}")
        self._settings = s = settings or CheckSettings()
        self._approved = {i.name.strip().casefold() for i in approved_items}
        self._approved_list = ", ".join(sorted(i.name for i in approved_items)) or "none"
        self._screen = is_aggregate_or_depersonalised(identifiability, approved_items)
        self._suppress = is_aggregate(identifiability, approved_items)
        self._count_names = re.compile(s.count_columns)
        self._not_counts = re.compile(s.not_count_columns)
        self._reader = (CsvStream if media_type == "csv" else JsonArrayStream)(
            max_record_bytes=s.max_record_bytes
        )
        self._csv = media_type == "csv"
        self._columns: dict[str, _Column] = {}  # by name as delivered
        self._seen: set[str] = set()  # approval keys of the columns so far
        self._header: list[_Column] | None = None
        self._problems: list[Problem] = []
        self._per_rule: Counter[tuple[str | None, str]] = Counter()
        self._unlisted = 0
        self._rows = 0
        self._stopped = False

    @property
    def refused(self) -> bool:
        """Whether a problem has been found already (the delivery will be refused)."""
        return bool(self._problems or self._unlisted)

    def feed(self, data: bytes) -> bool:
        """Check the records completed by ``data``; ``False`` once reading should stop."""
        if not self._stopped:
            try:
                records: Sequence[Any] = self._reader.feed(data)
            except TableFormatError as exc:
                return self._malformed(exc)
            self._take(records)
        return not self._stopped

    def finish(self) -> DeliveryReport:
        """The report; reads any last record and reports small counts in whole-number columns."""
        complete = not self._stopped
        if complete:
            try:
                self._take(self._reader.finish())
            except TableFormatError as exc:
                self._malformed(exc)
            if self._csv and self._header is None and not self._stopped:
                self._report(None, None, "malformed", "The file is empty: it has no header row.")
            complete = not self._stopped
        if complete and self._suppress:
            for column in self._columns.values():
                if column.inferable and column.whole_numbers and column.any_number:
                    for row in column.small:
                        self._small_count(column, row, "every value in it is a whole number")
                    self._unlisted += column.more_small
        order = {name: column.position for name, column in self._columns.items()}
        problems = sorted(self._problems, key=lambda p: (p.row or 0, order.get(p.column or "", -1)))
        return DeliveryReport(
            tuple(problems), self._rows, tuple(self._columns), complete, self._unlisted
        )

    def _take(self, records: Sequence[Any]) -> None:
        for record in records:
            if self._stopped:
                return
            if self._csv and self._header is None:
                self._header = [self._column(str(name), None) for name in record]
                continue
            self._rows += 1
            if self._csv:
                assert self._header is not None
                if len(record) != len(self._header):
                    message = f"Row {self._rows} has {len(record)} fields; the header has "
                    self._report(None, self._rows, "malformed", f"{message}{len(self._header)}.")
                    continue
                cells: Iterable[tuple[_Column, Any]] = zip(self._header, record, strict=True)
            else:
                cells = (
                    (self._columns.get(k) or self._column(k, self._rows), v)
                    for k, v in record.items()
                )
            for column, value in cells:
                self._cell(column, self._rows, value)

    def _column(self, name: str, row: int | None) -> _Column:
        key = name.strip().casefold()
        column = _Column(name, len(self._columns), key in self._approved, ids.ColumnKind.of(name))
        if name in self._columns or (key and key in self._seen):
            column.approved = False
            self._report(name, row, "duplicate_column", f'Column "{name}" appears more than once.')
        elif not key:
            reason = f"Column {column.position + 1} has no name."
            self._report(name, row, "unapproved_column", reason)
        elif not column.approved:
            self._report(
                name,
                row,
                "unapproved_column",
                f'Column "{name}" is not one of the approved data items ({self._approved_list}).',
            )
        self._seen.add(key)
        normal = ids.normalise_column(name)
        column.counts = bool(self._count_names.fullmatch(normal))
        column.inferable = self._settings.infer_counts and not self._not_counts.fullmatch(normal)
        self._columns.setdefault(name, column)
        return column

    def _cell(self, column: _Column, row: int, value: Any) -> None:
        if not column.approved or self._stopped:
            return  # an unapproved column is refused whole: its cells add nothing
        if type(value) is str:  # every CSV cell, most JSON ones
            # A return repeats its values (months, areas, common counts): what a text is does
            # not change from row to row, so it is worked out once per column.
            verdict = column.verdicts.get(value)
            if verdict is None:
                verdict = self._verdict(column, value)
                if len(value) <= _VERDICT_TEXT and len(column.verdicts) < _VERDICTS_PER_COLUMN:
                    column.verdicts[value] = verdict
            number, rule = verdict
        elif isinstance(value, dict | list):
            where = f'Row {row}, column "{column.name}"'
            reason = f"{where} holds a nested object or list; a delivery is a flat table."
            self._report(column.name, row, "malformed", reason)
            return
        else:
            number, rule = self._verdict(column, value)
        if rule == _MARKER:
            return
        if rule is not None:
            reason = (
                f'Row {row}, column "{column.name}" holds {_IDENTIFIER_REASONS[rule]}. '
                "An aggregate or depersonalised return must hold no direct identifiers."
            )
            self._report(column.name, row, rule, reason)
            return
        if not self._suppress:
            return
        if number is None:
            column.whole_numbers = False
            return
        column.any_number = True
        if 0 < number < self._settings.suppression_threshold:
            if column.counts:
                self._small_count(column, row, "its name says it holds counts")
            elif column.inferable and len(column.small) < self._settings.max_problems:
                column.small.append(row)
            elif column.inferable:
                column.more_small += 1

    def _verdict(self, column: _Column, value: Any) -> tuple[int | None, str | None]:
        """What a cell's value is, whatever its row: ``(whole number or None, rule or None)``;
        the rule is ``_MARKER`` for a blank or a suppression marker."""
        number: int | None = None
        if type(value) is str:
            text = value.strip()
            if text.isdigit() and text.isascii():
                number = int(text)
            elif text[:1] in _NUMBER_STARTS and _INTEGER.fullmatch(text):
                number = int(text.replace(",", "").partition(".")[0])
        elif value is None or isinstance(value, bool):
            text = "" if value is None else str(value).lower()
        elif isinstance(value, int):
            text, number = str(value), value
        elif isinstance(value, float):
            text, number = repr(value), int(value) if value.is_integer() else None
        else:
            text = str(value).strip()
            if _INTEGER.fullmatch(text):
                number = int(text.replace(",", "").partition(".")[0])
        if text.casefold() in self._settings.suppression_markers:
            return None, _MARKER
        if self._screen:
            return number, ids.find_identifier(column.kind, text)
        return number, None

    def _small_count(self, column: _Column, row: int, why: str) -> None:
        threshold = self._settings.suppression_threshold
        self._report(
            column.name,
            row,
            "small_count",
            f'Row {row}, column "{column.name}" holds a count between 1 and {threshold - 1}, '
            f"below the suppression threshold of {threshold}; suppress it or combine categories. "
            f"The column is treated as counts because {why}.",
        )

    def _malformed(self, exc: TableFormatError) -> bool:
        record = exc.record
        row = (record - 1 if self._csv else record) if record is not None else None
        self._report(None, row or None, "malformed", f"The file is malformed: {exc}.")
        self._stopped = True
        return False

    def _report(self, column: str | None, row: int | None, rule: str, reason: str) -> None:
        s = self._settings
        self._per_rule[column, rule] += 1
        listed = len(self._problems)
        if self._per_rule[column, rule] > s.max_per_rule_and_column or listed >= s.max_problems:
            self._unlisted += 1
        else:
            self._problems.append(Problem(column, row, rule, reason))
        found = len(self._problems) + self._unlisted
        if len(self._problems) >= s.max_problems or found >= s.max_findings:
            self._stopped = True


def check_delivery(
    media_type: Literal["csv", "json"],
    chunks: Iterable[bytes],
    approved_items: Sequence[ApprovedItem],
    identifiability: str,
    settings: CheckSettings | None = None,
) -> DeliveryReport:
    """Check a whole delivery given as an iterable of byte chunks."""
    checker = DeliveryChecker(media_type, approved_items, identifiability, settings)
    for chunk in chunks:
        if not checker.feed(chunk):
            break
    return checker.finish()
