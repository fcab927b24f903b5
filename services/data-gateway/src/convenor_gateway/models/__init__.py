"""The gateway's tables. Importing this package registers every model on ``Base.metadata``."""

from convenor_gateway.models.agreements import Agreement
from convenor_gateway.models.audit import AuditEntry, Checkpoint, MerkleNode
from convenor_gateway.models.base import Base
from convenor_gateway.models.bookkeeping import CatalogueVersion, Change, IdempotencyKey
from convenor_gateway.models.deliveries import Delivery, DeliveryChunk
from convenor_gateway.models.requests import DataRequest, RequestTransition
from convenor_gateway.models.webhooks import Webhook, WebhookDelivery

__all__ = [
    "Agreement",
    "AuditEntry",
    "Base",
    "CatalogueVersion",
    "Change",
    "Checkpoint",
    "DataRequest",
    "Delivery",
    "DeliveryChunk",
    "IdempotencyKey",
    "MerkleNode",
    "RequestTransition",
    "Webhook",
    "WebhookDelivery",
]
