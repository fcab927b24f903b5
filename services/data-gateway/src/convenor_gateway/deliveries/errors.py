"""What a delivery, a download or an erasure can be refused with."""

from __future__ import annotations

from convenor_shared.problems import (
    Conflict,
    Forbidden,
    Gone,
    NotFound,
    Problem,
    RuleBroken,
    ServiceUnavailable,
)


class DeliveryRefused(RuleBroken):
    """The delivered dataset does not match what was approved, and nothing was stored.
    ``problems`` lists each problem with its ``column``, its 1-based data ``row`` (null for the
    header or the file as a whole), the ``rule`` broken (``unapproved_column``,
    ``duplicate_column``, ``nhs_number``, ``date_of_birth``, ``postcode``, ``email``, ``phone``,
    ``person_name``, ``small_count``, ``malformed``) and the ``reason`` in words; ``unlisted``
    counts problems beyond those listed. Fix the file and deliver it again."""

    slug, title = "delivery-refused", "Delivery refused"


class NotTheHolder(Forbidden):
    """Only the organisation holding the data (the request's holder) delivers it."""

    slug, title = "not-the-holder", "Not the holder"


class NotDeliverable(Conflict):
    """Only an approved or partially approved request can be delivered."""

    slug, title = "request-not-deliverable", "Request not deliverable"


class DeliveryConflict(Conflict):
    """A different dataset was delivered for this request already. A delivery cannot be
    replaced: erase it (``POST /v1/requests/{id}/erasure``, reason ``delivered_in_error``) and
    ask the requester to raise a new request."""

    slug, title = "delivery-conflict", "Delivery conflict"


class UnsupportedDeliveryType(Problem):
    """A delivery is ``text/csv`` (UTF-8, a header row) or ``application/json`` (an array of
    flat objects)."""

    status, slug, title = 415, "unsupported-delivery-type", "Unsupported delivery type"


class DeliveryNotFound(NotFound):
    """Nothing has been delivered for this request yet."""

    slug, title = "delivery-not-found", "No delivery"


class NotTheRecipient(Forbidden):
    """Only the requester's organisation downloads the data it asked for. The attempt was
    logged."""

    slug, title = "not-the-recipient", "Not the recipient"


class PurposeRequired(RuleBroken):
    """A download must state its purpose in the ``Data-Purpose`` header, and it must be the
    request's purpose (for example ``Data-Purpose: crime_and_disorder_reduction``). The attempt
    was logged."""

    slug, title = "purpose-required", "Purpose required"


class PurposeMismatch(Forbidden):
    """The data was shared for the purpose stated in the request and may be used only for it:
    the ``Data-Purpose`` header named another. The attempt was logged."""

    slug, title = "purpose-mismatch", "Purpose does not match"


class DeliveryErased(Gone):
    """The delivered data was erased: its retention period ended, consent was withdrawn or an
    erasure was decided. Its key was destroyed, so no copy can be read any more. The audit log
    keeps its hash and the record of the erasure."""

    slug, title = "delivery-erased", "Delivery erased"


class NothingToErase(Conflict):
    """Nothing has been delivered for this request, so there is nothing to erase."""

    slug, title = "nothing-to-erase", "Nothing to erase"


class NotAParty(Forbidden):
    """Only the requester or the holder of a request may ask for its delivery to be erased."""

    slug, title = "not-a-party", "Not a party"


class KeyUnavailable(ServiceUnavailable):
    """The key-encryption key needed is not loaded (retired too early, or a KMS that cannot be
    reached or is not implemented yet). Nothing was stored or disclosed; the operators must
    restore the key."""

    slug, title = "key-unavailable", "Key unavailable"
