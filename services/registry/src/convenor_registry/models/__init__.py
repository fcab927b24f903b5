"""The registry's tables. Importing this package registers every model on ``Base.metadata``."""

from convenor_registry.models.base import Base, Record
from convenor_registry.models.bookkeeping import Change, HistoryEntry, IdempotencyKey
from convenor_registry.models.calendars import CalendarSubscription
from convenor_registry.models.directory import (
    ApiClient,
    Organisation,
    OrganisationArea,
    Person,
    UsedAssertion,
)
from convenor_registry.models.geography import Area
from convenor_registry.models.meetings import (
    Action,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MeetingSeries,
)
from convenor_registry.models.partnerships import (
    Membership,
    Partnership,
    PartnershipArea,
    PartnershipRelation,
    TermsOfReference,
)
from convenor_registry.models.strategies import Priority, Review, Strategy

__all__ = [
    "Action",
    "AgendaItem",
    "ApiClient",
    "Area",
    "Attendance",
    "Base",
    "CalendarSubscription",
    "Change",
    "Decision",
    "HistoryEntry",
    "IdempotencyKey",
    "Meeting",
    "MeetingSeries",
    "Membership",
    "Organisation",
    "OrganisationArea",
    "Partnership",
    "PartnershipArea",
    "PartnershipRelation",
    "Person",
    "Priority",
    "Record",
    "Review",
    "Strategy",
    "TermsOfReference",
    "UsedAssertion",
]
