"""A PATCH body may leave a field out, but may not clear one the record must hold: every field
of an ``...Update`` model whose column is NOT NULL is in the model's ``not_clearable`` (its
schema has no null, and an explicit null is a 422). Found by schemathesis: ``{"themes": null}``
on a partnership was stored, and every read of it afterwards was a 500."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

import convenor_gateway
import convenor_registry
from convenor_shared.schemas import RequestModel

# Update models whose record class is not named after them.
RECORD_OF = {"RequestUpdate": "DataRequest"}
# Fields where null means "clear it", and the service writes the empty value (see
# convenor_gateway.data_requests.service).
CLEARED_TO_EMPTY = {("RequestUpdate", "lawful_basis"), ("RequestUpdate", "area_ids")}


def modules(package: ModuleType) -> Iterator[ModuleType]:
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if ".migrations" not in info.name:
            yield importlib.import_module(info.name)


def update_models() -> Iterator[tuple[str, type[RequestModel], Any]]:
    for package in (convenor_registry, convenor_gateway):
        found = list(modules(package))
        records = {
            name: cls
            for module in found
            for name, cls in inspect.getmembers(module, inspect.isclass)
            if hasattr(cls, "__table__")
        }
        for module in found:
            for name, cls in inspect.getmembers(module, inspect.isclass):
                if (
                    issubclass(cls, RequestModel)
                    and name.endswith("Update")
                    and cls.__module__ == module.__name__
                ):
                    yield name, cls, records[RECORD_OF.get(name, name.removesuffix("Update"))]


CASES = list(update_models())


def test_every_update_model_is_checked():
    assert len(CASES) >= 10


@pytest.mark.parametrize(("name", "model", "record"), CASES, ids=[c[0] for c in CASES])
def test_a_required_column_cannot_be_cleared(name: str, model: type[RequestModel], record: Any):
    columns = record.__table__.columns
    clearable = {
        field
        for field in model.model_fields
        if field in columns
        and not columns[field].nullable
        and field not in model.not_clearable
        and (name, field) not in CLEARED_TO_EMPTY
    }
    assert not clearable, f"{name}: {sorted(clearable)} may be sent as null"
    schema = model.model_json_schema()
    for field in model.not_clearable & set(model.model_fields):
        variants = schema["properties"][field].get("anyOf", [schema["properties"][field]])
        assert {"type": "null"} not in variants, f"{name}.{field} documents a null"
