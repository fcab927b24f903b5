from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

EdgeKind = Literal[
    "parent", "reports_to", "sub_group_of", "merged_into", "replaced_by", "shared_members"
]


class AreaRef(BaseModel):
    id: uuid.UUID
    gss_code: str
    name: str


class LandscapeNode(BaseModel):
    id: uuid.UUID
    name: str
    short_name: str | None
    type: str
    status: str
    statutory: bool
    themes: list[str]
    parent_id: uuid.UUID | None
    chair_organisation_id: uuid.UUID | None
    secretariat_organisation_id: uuid.UUID | None
    footprint_gss_codes: list[str] = Field(description="Footprint areas inside the area asked for")
    members: int = Field(description="People who are current members")
    in_area: bool = Field(
        description="False for a parent or related partnership outside the area, shown for context"
    )


class LandscapeEdge(BaseModel):
    source: uuid.UUID
    target: uuid.UUID
    kind: EdgeKind = Field(
        description="parent: source sits under target; a relation type: source relates to "
        "target; shared_members: the two share people (undirected, source < target)"
    )
    weight: int | None = Field(default=None, description="shared_members: people in common")
    jaccard: float | None = Field(
        default=None, description="shared_members: people in common / people in either"
    )
    start_date: date | None = None
    end_date: date | None = None


class Landscape(BaseModel):
    area: AreaRef
    nodes: list[LandscapeNode]
    edges: list[LandscapeEdge]
