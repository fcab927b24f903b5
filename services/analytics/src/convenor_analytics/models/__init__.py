"""The analytics tables. Importing this package registers every model on ``Base.metadata``."""

from convenor_analytics.models.base import Base
from convenor_analytics.models.bookkeeping import IdempotencyKey
from convenor_analytics.models.readmodel import ReadModelState, ReadRecord
from convenor_analytics.models.sync import SyncRun, SyncSource

__all__ = ["Base", "IdempotencyKey", "ReadModelState", "ReadRecord", "SyncRun", "SyncSource"]
