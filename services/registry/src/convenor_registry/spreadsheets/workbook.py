"""Reading an uploaded workbook (XLSX, one CSV, or a zip of CSVs) into tables of rows, and
writing tables back out in the same shapes.

Safety: a zip is refused if it would expand beyond a bound (zip bombs); text that a
spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) is written to XLSX as a
plain string cell and to CSV behind a ``'`` guard, which the CSV reader takes off again.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from convenor_registry.spreadsheets import cells
from convenor_registry.spreadsheets.columns import BY_NAME

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"
CSV = "text/csv; charset=utf-8"
EXPANSION_LIMIT = 20  # an upload may expand to at most this many times its size
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
IGNORED_SHEETS = ("readme",)

# What XML 1.0 cannot hold: openpyxl's ILLEGAL_CHARACTERS_RE (the C0 controls but tab and
# newlines) misses the non-characters U+FFFE and U+FFFF, which lxml then refuses.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass
class Table:
    """One sheet: its columns (normalised names) and its rows by spreadsheet row number."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)


def column_name(value: Any) -> str:
    return str(value or "").strip().lower().replace(" ", "_")


def _sheet_name(value: str) -> str:
    return value.strip().lower().replace(" ", "_")


def _rows(values: Iterable[Sequence[Any]], width: int) -> list[tuple[int, list[Any]]]:
    out = []
    for number, row in enumerate(values, start=2):
        padded = list(row[:width]) + [None] * (width - len(row))
        if any(v is not None and (not isinstance(v, str) or v.strip()) for v in padded):
            out.append((number, padded))
    return out


def _table(name: str, values: Iterable[Sequence[Any]]) -> Table:
    iterator = iter(values)
    header = [column_name(v) for v in next(iterator, ())]
    while header and not header[-1]:
        header.pop()
    return Table(name, header, _rows(iterator, len(header)))


def _unguard(value: str) -> str:
    if value[:1] == "'" and value[1:2] and value[1:2] in FORMULA_START:
        return value[1:]
    return value


def _csv_table(name: str, data: bytes) -> Table:
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    reader = csv.reader(io.StringIO(content, newline=""))
    return _table(name, ([_unguard(v) if v else None for v in row] for row in reader))


def _check_expansion(archive: zipfile.ZipFile, size: int) -> None:
    if sum(info.file_size for info in archive.infolist()) > max(size, 1024) * EXPANSION_LIMIT:
        raise ValueError("the file expands to far more than its size; refusing it")


def read(content: bytes, *, filename: str | None, sheet: str | None) -> list[Table]:
    """The tables of an upload. Raises ``ValueError`` with a reason for an unreadable file."""
    if content[:2] == b"PK":
        try:
            archive = zipfile.ZipFile(io.BytesIO(content))
        except zipfile.BadZipFile as exc:
            raise ValueError("the file is neither a valid XLSX nor a valid zip") from exc
        _check_expansion(archive, len(content))
        if "xl/workbook.xml" in archive.namelist():
            return _xlsx(content)
        return [
            _csv_table(_sheet_name(PurePosixPath(name).stem), archive.read(name))
            for name in sorted(archive.namelist())
            if name.lower().endswith(".csv") and not name.startswith("__MACOSX")
        ]
    chosen = sheet or (PurePosixPath(filename).stem if filename else None)
    if not chosen or _sheet_name(chosen) not in BY_NAME:
        raise ValueError(
            "a single CSV needs sheet= naming its sheet (or a file named after it): "
            + ", ".join(BY_NAME)
        )
    return [_csv_table(_sheet_name(chosen), content)]


def _xlsx(content: bytes) -> list[Table]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValueError(f"the XLSX file cannot be read ({type(exc).__name__})") from exc
    try:
        return [
            _table(_sheet_name(ws.title), ws.iter_rows(values_only=True))
            for ws in book.worksheets
            if _sheet_name(ws.title) not in IGNORED_SHEETS
        ]
    finally:
        book.close()


# Writing


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, datetime):
        # Excel keeps milliseconds at best, and no date before 1900: keep those exact as text.
        if value.microsecond or value.year < 1900:
            return value.isoformat()
        return cells.local_time(value)
    if isinstance(value, date) and value.year < 1900:
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        # XML cannot hold most control characters, nor U+FFFE, U+FFFF or a lone surrogate; a
        # worksheet shows U+FFFD in their place.
        return NOT_IN_XML.sub("\ufffd", value)
    if value is None or isinstance(value, bool | int | float | date):
        return value
    return str(value)  # ids


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_xlsx(tables: Sequence[Table], readme: Sequence[Sequence[str]] = ()) -> bytes:
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for table in tables:
        ws = book.create_sheet(table.name)
        ws.freeze_panes = "A2"
        header = []
        for name in table.header:
            cell = WriteOnlyCell(ws, value=name)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for _, row in table.rows:
            out: list[Any] = []
            for value in row:
                value = _xlsx_value(value)
                if isinstance(value, str) and value.startswith(FORMULA_START):
                    cell = WriteOnlyCell(ws, value=value)
                    cell.data_type = "s"  # text, never a formula
                    out.append(cell)
                else:
                    out.append(value)
            ws.append(out)
    if readme:
        about = book.create_sheet("README")
        for line in readme:
            about.append(list(line))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_csv(table: Table) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.header)
    for _, row in table.rows:
        writer.writerow([_csv_value(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM tells Excel it is UTF-8


def write_zip(tables: Sequence[Table]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            archive.writestr(f"{table.name}.csv", write_csv(table))
    return buffer.getvalue()
