from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field, model_validator

from convenor_shared.schemas import ReadModel, RequestModel, cross_field

Scope = Literal[
    "registry:read",
    "registry:write",
    "gateway:request",
    "gateway:respond",
    "gateway:audit",
    "gateway:feed",
    "analytics:read",
    "admin",
]


class ClientCreate(RequestModel):
    # jwks (non-empty) exactly for private_key_jwt (the schema says it too).
    model_config = ConfigDict(
        json_schema_extra={
            "if": {
                "properties": {"auth_method": {"const": "private_key_jwt"}},
                "required": ["auth_method"],
            },
            "then": {
                "properties": {"jwks": {"type": "object", "minProperties": 1}},
                "required": ["jwks"],
            },
            "else": {"properties": {"jwks": {"anyOf": [{"type": "null"}, {"maxProperties": 0}]}}},
        }
    )

    name: str = Field(min_length=1, max_length=200)
    scopes: list[Scope] = Field(min_length=1, max_length=7)
    auth_method: Literal["client_secret_basic", "private_key_jwt"] = "client_secret_basic"
    jwks: dict[str, Any] | None = Field(
        default=None, description="The client's public keys (for private_key_jwt)"
    )

    @model_validator(mode="after")
    def keys_for_private_key_jwt(self) -> ClientCreate:
        if self.auth_method == "private_key_jwt" and not self.jwks:
            raise cross_field("private_key_jwt needs the client's public keys in jwks")
        if self.auth_method == "client_secret_basic" and self.jwks:
            raise cross_field("jwks applies only to private_key_jwt")
        return self


class ClientRead(ReadModel):
    id: uuid.UUID
    client_id: str
    name: str
    organisation_id: uuid.UUID | None
    scopes: list[str]
    auth_method: str
    created_at: datetime
    revoked_at: datetime | None


class ClientCreated(ClientRead):
    client_secret: str | None = Field(
        default=None, description="Shown once, for client_secret_basic; store it safely"
    )
