"""Base classes for API models: requests forbid unknown fields; reads build from ORM rows.

A request's values are also held to their wire format, which pydantic's lax mode would
otherwise stretch: a date is ``YYYY-MM-DD`` (not ``0``, which lax mode reads as 1970-01-01), a
date-time is RFC 3339 with its offset, a decimal written as a string is plain decimal notation,
a number is a JSON number (not ``"5"``), a boolean is ``true`` or ``false`` (not ``"yes"``),
and no string holds U+0000 (PostgreSQL's text cannot store it; it would be a 500). Query
parameters get the same with :data:`IsoDate` and :data:`IsoDateTime`.

Text is stored without its surrounding whitespace. Length limits count the text as sent, as
the schema says; a field that must not be empty must not be blank either, and its schema says
so with a pattern. A URL (:data:`WebUrl`) is at most 480 characters as sent, and 500 once
normalised (an internationalised host in punycode).
"""

from __future__ import annotations

import re
import types
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal, Union, get_args, get_origin

from annotated_types import MinLen
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    FutureDate,
    GetJsonSchemaHandler,
    HttpUrl,
    NaiveDatetime,
    PastDate,
    UrlConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

WireFormat = Literal["date", "date-time", "decimal", "number", "boolean"]
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})",
    re.ASCII,
)
# What the OpenAPI documents give as the pattern of a decimal sent as a string.
DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"
DECIMAL = re.compile(DECIMAL_PATTERN, re.ASCII)
_PATTERNS: dict[WireFormat, tuple[re.Pattern[str], str]] = {
    "date": (DATE, "an ISO 8601 date (YYYY-MM-DD)"),
    "date-time": (DATE_TIME, "an RFC 3339 date-time with its offset"),
    "decimal": (DECIMAL, "a number, or a decimal string such as 1234.50"),
}


def cross_field(message: str) -> PydanticCustomError:
    """The error for a rule across fields that JSON Schema cannot state (an end before its
    start). Its type, ``cross_field``, tells clients (and the property-based tests) that the
    request matched the schema and broke a rule that the schema cannot express."""
    return PydanticCustomError("cross_field", message)


def _wrong(name: str, wanted: str) -> PydanticCustomError:
    return PydanticCustomError(
        "wire_format", "{name} must be {wanted}.", {"name": name, "wanted": wanted}
    )


def check_wire_format(value: Any, kind: WireFormat, *, name: str = "The value") -> Any:
    """``value`` if it is in ``kind``'s wire format (or already a Python value), else a
    validation error."""
    if kind == "number":  # lax mode would read "5" as 5
        if isinstance(value, str | bool):
            raise _wrong(name, "a JSON number")
        return value
    if kind == "boolean":  # and "yes" or 1 as true
        if not isinstance(value, bool):
            raise _wrong(name, "true or false")
        return value
    if isinstance(value, str):
        pattern, wanted = _PATTERNS[kind]
        if not pattern.fullmatch(value):
            raise PydanticCustomError(
                "wire_format", "{name} must be {wanted}.", {"name": name, "wanted": wanted}
            )
    elif kind != "decimal" and isinstance(value, int | float) and not isinstance(value, bool):
        # Lax mode would read a number as a Unix time.
        _, wanted = _PATTERNS[kind]
        raise PydanticCustomError(
            "wire_format", "{name} must be {wanted}.", {"name": name, "wanted": wanted}
        )
    return value


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


def refuse_nul(value: Any) -> Any:
    """``value`` unless a string in it holds U+0000."""
    if _has_nul(value):
        raise PydanticCustomError("string_nul", "Text may not contain the NUL character (U+0000).")
    return value


IsoDate = Annotated[date, BeforeValidator(lambda v: check_wire_format(v, "date"))]
IsoDateTime = Annotated[AwareDatetime, BeforeValidator(lambda v: check_wire_format(v, "date-time"))]
SafeText = Annotated[str, BeforeValidator(refuse_nul)]
URL_MAX_LENGTH = 500  # the columns that hold a URL
# The largest index or size a BIGINT column holds: the bound of every such parameter.
MAX_INDEX = 2**63 - 1


def _fits(url: HttpUrl) -> HttpUrl:
    # Normalising (an internationalised host in punycode) can lengthen what was sent.
    if len(str(url)) > URL_MAX_LENGTH:
        raise PydanticCustomError(
            "url_too_long", "The URL is longer than {limit} characters.", {"limit": URL_MAX_LENGTH}
        )
    return url


# Room for what normalising adds (a "/" for an empty path) within the column.
WebUrl = Annotated[HttpUrl, UrlConstraints(max_length=URL_MAX_LENGTH - 20), AfterValidator(_fits)]
# Whitespace as JSON Schema's regular expressions (ECMA-262) know it, so that a client's
# validator and this service agree on what "blank" is.
WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
NOT_BLANK = r"[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
_MIN_LENGTHS: dict[type, dict[str, int]] = {}


def _min_lengths(model: type[BaseModel]) -> dict[str, int]:
    """Each field's ``min_length``, for the fields that have one."""
    found = _MIN_LENGTHS.get(model)
    if found is None:
        found = {}
        for name, info in model.model_fields.items():
            for item in info.metadata:
                if isinstance(item, MinLen) and item.min_length > 0:
                    found[name] = item.min_length
        _MIN_LENGTHS[model] = found
    return found


def _trimmed(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip(WHITESPACE)
    if isinstance(value, list) and any(isinstance(item, str) for item in value):
        return [item.strip(WHITESPACE) if isinstance(item, str) else item for item in value]
    return value


_FORMATS: dict[type, dict[str, WireFormat | None]] = {}
_DATE_TYPES: tuple[Any, ...] = (date, PastDate, FutureDate)
_DATE_TIME_TYPES: tuple[Any, ...] = (datetime, AwareDatetime, NaiveDatetime)


def wire_format_of(annotation: Any) -> WireFormat | None:
    """The wire format a field's annotation asks for, looking inside ``X | None``,
    ``Annotated[X, ...]`` and ``list[X]``."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return wire_format_of(get_args(annotation)[0])
    if origin in (Union, types.UnionType, list, tuple, set, frozenset):
        for arg in get_args(annotation):
            found = wire_format_of(arg)
            if found is not None:
                return found
        return None
    if annotation in _DATE_TIME_TYPES:
        return "date-time"
    if isinstance(annotation, type) and issubclass(annotation, datetime):
        return "date-time"
    if annotation in _DATE_TYPES or (isinstance(annotation, type) and issubclass(annotation, date)):
        return "date"
    if isinstance(annotation, type) and issubclass(annotation, Decimal):
        return "decimal"
    if annotation is bool:
        return "boolean"
    if annotation in (int, float):
        return "number"
    return None


class RequestModel(BaseModel):
    """A request body: unknown fields are refused (no mass assignment by accident), and each
    value is held to its wire format (see the module's docstring).

    A PATCH body names in ``not_clearable`` the fields that may be left out but not cleared
    (``prep_minutes: int | None = None`` where the record always has one): their schema has no
    null, and an explicit null is a 422 rather than a None written where none may be."""

    model_config = ConfigDict(extra="forbid")
    not_clearable: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        target = handler.resolve_ref_schema(json_schema)
        for name in _min_lengths(cls):
            prop = target.get("properties", {}).get(name, {})
            for variant in prop.get("anyOf", [prop]):
                if variant.get("type") == "string" and "pattern" not in variant:
                    variant["pattern"] = NOT_BLANK
        for name in cls.not_clearable:
            prop = target.get("properties", {}).get(name)
            variants = prop.get("anyOf") if prop else None
            if not variants:
                continue
            kept = [v for v in variants if v != {"type": "null"}]
            if len(kept) == 1:
                del prop["anyOf"]
                prop.update(kept[0])
            else:
                prop["anyOf"] = kept
            if prop.get("default", 0) is None:
                del prop["default"]
        return json_schema

    @field_validator("*", mode="before")
    @classmethod
    def _wire_format(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name in cls.not_clearable:
            raise PydanticCustomError(
                "not_null", "This field cannot be cleared; leave it out to keep it as it is."
            )
        refuse_nul(value)
        formats = _FORMATS.get(cls)
        if formats is None:  # worked out once per model, when its annotations are resolved
            formats = {name: wire_format_of(f.annotation) for name, f in cls.model_fields.items()}
            _FORMATS[cls] = formats
        kind = formats.get(info.field_name or "")
        if kind is None or value is None:
            return value
        name = info.field_name or "The value"
        if isinstance(value, list | tuple):
            return [check_wire_format(item, kind, name=name) for item in value]
        return check_wire_format(value, kind, name=name)

    @field_validator("*", mode="after")
    @classmethod
    def _trim(cls, value: Any, info: ValidationInfo) -> Any:
        """Surrounding whitespace off, after the length checks on the text as sent."""
        trimmed = _trimmed(value)
        if trimmed == "" and value != "" and info.field_name in _min_lengths(cls):
            raise PydanticCustomError("string_blank", "This text must not be blank.")
        return trimmed


class ReadModel(BaseModel):
    """A response body built from an ORM row."""

    model_config = ConfigDict(from_attributes=True)


class RecordRead(ReadModel):
    """The identity and bookkeeping every catalogue record shows."""

    id: uuid.UUID
    version: int
    created_at: datetime
    updated_at: datetime
