"""Detectors for direct identifiers in a cell of a delivered dataset, and for what a column's
name says it holds.

Each detector answers yes or no and never returns the value it found, so nothing that reads
a refusal (logs included) ever sees the identifier. They look for an identifier anywhere in
the cell, not only for a cell that is one, because free-text columns leak them too.

- NHS number: ten digits, optionally grouped 3-3-4 by spaces or hyphens, whose modulus-11
  check digit is valid (a ten-digit number with a wrong check digit is not one).
- Full UK postcode: outward and inward code (``L1 8JQ``, ``SW1A 1AA``, ``GIR 0AA``). An
  outward code (``L1``) or a sector (``L1 8``) alone is an area, not an address, and passes.
- Email address.
- UK phone number: ``07`` mobiles and ``01``/``02``/``03`` numbers, national or ``+44``/``0044``
  (``+44 (0)``) form, digits grouped by single spaces or hyphens.
- Date of birth: a full date (day, month and year) in a column whose name suggests birth;
  a column named for it (``dob``, ``date_of_birth``, ``birth_date``) is one whatever it holds.
- Person name: a name-shaped value in a column whose name suggests a person's name.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_NHS = re.compile(r"(?<!\d)(\d{3})([ -]?)(\d{3})\2(\d{4})(?!\d)")
_POSTCODE = re.compile(
    r"(?<![A-Z0-9])(?:GIR\s?0AA|[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]"
    r"|[A-HK-Y]\d[ABEHMNPRV-Y])\s?\d[ABD-HJLNP-UW-Z]{2})(?![A-Z0-9])",
    re.IGNORECASE,
)
_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,}"
)
# A trunk 0 (or +44), an area or mobile code of 2 to 4 digits, then the rest of the number
# with at most single separators; the length is checked once the digits are known.
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)44[ -]?(?:\(0\)[ -]?)?|\(?0)(\d{2,4})\)?((?:[ -]?\d){5,8})(?!\d)"
)
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
_DATES = (
    re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:[T ].*)?"),
    re.compile(r"(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{4}|\d{2})(?: .*)?"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
    re.compile(
        rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[ -](?P<mon>(?:{_MONTHS})[a-z]*)\.?,?[ -]"
        r"(?P<y>\d{4}|\d{2})",
        re.IGNORECASE,
    ),
    re.compile(
        rf"(?P<mon>(?:{_MONTHS})[a-z]*)\.? (?P<d>\d{{1,2}})(?:st|nd|rd|th)?,? (?P<y>\d{{4}})",
        re.IGNORECASE,
    ),
)
_NAME_SHAPE = re.compile(r"[^\W\d_]+\.?(?:(?:[ '\u2019-]|[.,] ?)[^\W\d_]+\.?){0,5}")


def _words(text: str, separator: str | None = None) -> frozenset[str]:
    return frozenset(word.strip() for word in text.split(separator))


# Placeholders a name column holds when there is no name; "n/a" and "not known" included.
_NOT_A_NAME = _words(
    "unknown|not known|not stated|not recorded|n/a|na|none|null|nil|redacted|withheld|anonymous"
    "|anon|other|various|unnamed|blank",
    "|",
)
DOB_COLUMNS = _words("dob d_o_b date_of_birth dateofbirth birth_date birthdate")
_BIRTH_TOKENS = _words("dob birth birthdate birthday born bday")
PERSON_NAME_COLUMNS = _words("""
    name names forename forenames surname surnames first_name last_name full_name given_name
    given_names family_name middle_name middle_names firstname lastname fullname maiden_name
    preferred_name known_as alias""")
_NAME_TOKENS = _words("name names forename forenames surname firstname lastname fullname")
# A name column qualified by one of these names a place, an organisation or a thing.
_NOT_PERSON = _words("""
    area ward lsoa msoa oa la lad lpa authority council force organisation organization org
    team partnership borough district region county country place location site street road
    town city icb ccg pcn trust practice school provider service unit station beat
    neighbourhood division bcu csp file dataset category type offence crime item group board
    meeting event product field column code label indicator measure gateway""")


def normalise_column(name: str) -> str:
    """``Date of Birth``, ``DateOfBirth`` and ``date-of-birth`` all become ``date_of_birth``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name.strip())
    return re.sub(r"[^0-9a-z]+", "_", spaced.casefold()).strip("_")


def nhs_check_digit_ok(digits: str) -> bool:
    """Whether ten digits carry a valid NHS number modulus-11 check digit."""
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    # 11 means a check digit of 0; 10 means no valid number has these first nine digits.
    return check != 10 and check % 11 == int(digits[9])


def has_nhs_number(text: str) -> bool:
    """Whether ``text`` holds an NHS number with a valid check digit."""
    return any(nhs_check_digit_ok(m[1] + m[3] + m[4]) for m in _NHS.finditer(text))


def has_postcode(text: str) -> bool:
    """Whether ``text`` holds a full UK postcode (outward and inward code)."""
    return _POSTCODE.search(text) is not None


def has_email(text: str) -> bool:
    """Whether ``text`` holds an email address."""
    return "@" in text and _EMAIL.search(text) is not None


def has_uk_phone(text: str) -> bool:
    """Whether ``text`` holds a UK mobile or 01/02/03 phone number."""
    for match in _PHONE.finditer(text):
        national = match[1] + re.sub(r"\D", "", match[2])  # the number without its trunk 0
        if national[0] in "237" and len(national) == 10:
            return True
        if national[0] == "1" and len(national) in (9, 10):
            return True
    return False


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def looks_like_full_date(text: str) -> bool:
    """Whether ``text`` is a calendar date with day, month and year (any common spelling)."""
    text = text.strip()
    for pattern in _DATES:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        parts = match.groupdict()
        year = int(parts["y"])
        if parts.get("mon"):
            month = _MONTHS.split("|").index(parts["mon"][:3].lower()) + 1
            return _valid_date(year if year > 99 else 2000 + year, month, int(parts["d"]))
        month, day = int(parts["m"]), int(parts["d"])
        year = year if year > 99 else 2000 + year
        # 03/02/2001 is read either way round: both are dates of birth if either is a date.
        return _valid_date(year, month, day) or _valid_date(year, day, month)
    return False


def is_dob_column(column: str) -> bool:
    """Whether a column is named as a date of birth (``dob``, ``date_of_birth``, ...)."""
    return normalise_column(column) in DOB_COLUMNS


def suggests_birth(column: str) -> bool:
    """Whether a column's name mentions birth (``mother_birth``, ``born_on``, ``dob_child``)."""
    tokens = normalise_column(column).split("_")
    return any(t in _BIRTH_TOKENS for t in tokens)


def suggests_person_name(column: str) -> bool:
    """Whether a column's name suggests a person's name (``surname``, ``victim_name``).

    ``area_name``, ``team_name`` and the like name places and organisations, so pass.
    """
    normal = normalise_column(column)
    if normal in PERSON_NAME_COLUMNS:
        return True
    tokens = set(normal.split("_"))
    return bool(tokens & _NAME_TOKENS) and not tokens & _NOT_PERSON


def looks_like_person_name(text: str) -> bool:
    """Whether ``text`` is shaped like a name: up to six words of letters, not a placeholder."""
    text = " ".join(text.split())
    return bool(_NAME_SHAPE.fullmatch(text)) and text.casefold() not in _NOT_A_NAME


@dataclass(frozen=True, slots=True)
class ColumnKind:
    """What a column's name says about the identifiers its cells may hold."""

    dob: bool
    birth: bool
    person_name: bool

    @classmethod
    def of(cls, column: str) -> ColumnKind:
        """Read a column's name."""
        return cls(is_dob_column(column), suggests_birth(column), suggests_person_name(column))


def find_identifier(kind: ColumnKind, text: str) -> str | None:
    """The rule a non-blank cell breaks, if any: ``date_of_birth``, ``person_name``, ``email``,
    ``phone``, ``nhs_number`` or ``postcode`` (the first that applies, in that order)."""
    if kind.dob or (kind.birth and looks_like_full_date(text)):
        return "date_of_birth"
    if kind.person_name and looks_like_person_name(text):
        return "person_name"
    if len(text) < 5:
        return None  # shorter than the shortest postcode: nothing below can match
    if has_email(text):
        return "email"
    # Phone numbers before NHS numbers: "+44 7700 900123" has ten digits that may pass the
    # NHS check, and it is a phone number.
    if len(text) >= 10 and has_uk_phone(text):
        return "phone"
    if len(text) >= 10 and has_nhs_number(text):
        return "nhs_number"
    return "postcode" if has_postcode(text) else None
