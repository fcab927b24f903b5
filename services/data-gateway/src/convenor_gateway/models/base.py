"""The gateway's declarative base."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from convenor_shared.db import make_metadata


class Base(DeclarativeBase):
    metadata = make_metadata()
