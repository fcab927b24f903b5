from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import File, Query, Response, UploadFile

from convenor_registry.deps import Reader, Writer, api_router
from convenor_registry.spreadsheets import service as spreadsheets_service
from convenor_registry.spreadsheets import workbook
from convenor_registry.spreadsheets.schemas import ImportResult
from convenor_shared.db import utcnow
from convenor_shared.problems import RuleBroken
from convenor_shared.routing import SessionDep

router = api_router("/v1", "exchange")

Format = Literal["xlsx", "csv"]
SheetName = Literal[
    "organisations", "people", "partnerships", "memberships", "meetings", "attendance", "actions"
]
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "XLSX (one sheet per resource), a zip of CSVs, or one CSV with sheet=",
        "content": {
            workbook.XLSX: {"schema": {"type": "string", "format": "binary"}},
            workbook.ZIP: {"schema": {"type": "string", "format": "binary"}},
            "text/csv": {"schema": {"type": "string"}},
        },
    }
}


def _file(
    tables: list[workbook.Table], format: Format, sheet: str | None, stem: str, readme: bool
) -> Response:
    if sheet is not None:
        if format != "csv":
            raise RuleBroken("sheet= chooses one CSV; use it with format=csv.")
        table = next(t for t in tables if t.name == sheet)
        body, media_type, name = workbook.write_csv(table), workbook.CSV, f"{stem}-{sheet}.csv"
    elif format == "csv":
        body, media_type, name = workbook.write_zip(tables), workbook.ZIP, f"{stem}.zip"
    else:
        about = spreadsheets_service.readme() if readme else []
        body, media_type, name = workbook.write_xlsx(tables, about), workbook.XLSX, f"{stem}.xlsx"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, media_type=media_type, headers=headers)


@router.get(
    "/export",
    operation_id="spreadsheet_export",
    response_class=Response,
    responses=FILE_RESPONSES,
)
async def export_spreadsheet(
    session: SessionDep,
    caller: Reader,
    area: Annotated[
        str | None,
        Query(max_length=64, description="Area id or GSS code (and areas within); all if empty"),
    ] = None,
    format: Format = "xlsx",
    sheet: SheetName | None = None,
) -> Response:
    """The landscape as the import's sheets: re-importing it changes nothing. People's email
    and phone columns only for callers with ``registry:write``."""
    tables = await spreadsheets_service.export_tables(session, area, caller)
    stem = f"convenor-{(area or 'all').lower()}-{utcnow():%Y%m%d}"
    return _file(tables, format, sheet, stem, readme=True)


@router.get(
    "/import/template",
    operation_id="spreadsheet_template_get",
    response_class=Response,
    responses=FILE_RESPONSES,
)
async def import_template(
    caller: Reader, format: Format = "xlsx", sheet: SheetName | None = None
) -> Response:
    """Empty sheets with the import's columns (the export's), and a README sheet that says
    what each column takes."""
    tables = spreadsheets_service.template_tables(caller)
    return _file(tables, format, sheet, "convenor-template", readme=True)


@router.post("/import", operation_id="spreadsheet_import")
async def import_spreadsheet(
    session: SessionDep,
    caller: Writer,
    file: Annotated[UploadFile, File(description="XLSX, a zip of CSVs, or one CSV")],
    dry_run: Annotated[
        bool, Query(description="true: check and show the diff, write nothing")
    ] = True,
    sheet: Annotated[
        SheetName | None, Query(description="For a single CSV: which sheet it is")
    ] = None,
) -> ImportResult:
    """Check every row of every sheet, then (``dry_run=false``) apply them all in one
    transaction, or nothing. Problems answer 422 ``import-invalid`` with an ``errors`` list
    (sheet, row, column, code, message) naming every one of them."""
    content = await file.read()
    return await spreadsheets_service.import_file(
        session, content, filename=file.filename, sheet=sheet, dry_run=dry_run, by=caller
    )
