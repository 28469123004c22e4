"""Formats and checksums of UK personal identifiers. Each ``is_*`` takes one cell value."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np

PII_TYPES = (
    "PERSON_NAME",
    "EMAIL",
    "PHONE",
    "NHS_NUMBER",
    "NI_NUMBER",
    "POSTCODE",
    "DATE_OF_BIRTH",
    "ADDRESS",
    "SYSTEM_ID",
)

EMAIL = r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+"
EMAIL_FULL = re.compile(rf"\s*{EMAIL}\s*")
EMAIL_IN = re.compile(EMAIL)

# Postcode: outward code (area, district, optional sub-district) and inward code, per Royal Mail.
OUTWARD = r"(?:[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKS-UW]|[A-HK-Y]\d[ABEHMNPRV-Y]))"
INWARD = r"\d[ABD-HJLNP-UW-Z]{2}"
POSTCODE_COMPACT = re.compile(rf"(?:{OUTWARD}{INWARD}|GIR0AA)")
OUTWARD_FULL = re.compile(OUTWARD)
# HMRC: first letter not D F I Q U V; second not D F I O Q U V; some pairs never issued.
NI_FULL = re.compile(r"(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]?")
NHS_SHAPE = re.compile(r"\s*\d{3}([ -]?)\d{3}\1\d{4}\s*")
PHONE_SHAPE = re.compile(
    r"\s*(?:(?:\+|00)44[ -]?(?:\(0\)[ -]?)?\d{2,5}|\(0\d{1,4}\)|0\d{1,4})"
    r"[ -]?\d{3,4}[ -]?\d{3,4}\s*"
)
NON_DIGITS = re.compile(r"\D")
MONTH_NAMES = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
DATE_DMY = re.compile(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d{2})\s*")
DATE_ISO = re.compile(r"\s*((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?\s*")
DATE_TEXT = re.compile(r"\s*(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+((?:19|20)\d{2})\s*")
ADDRESS_SEARCH = re.compile(
    r"(?i)(?:\b(?:flat|apartment|apt|unit)\s*\d+\w?\b|\b\d{1,4}[a-z]?,?\s+(?:[a-z'’-]+\s+){0,3}"
    r"(?:street|st|road|rd|avenue|ave|lane|ln|close|drive|dr|way|court|ct|crescent|place|pl|"
    r"gardens|gdns|grove|terrace|square|sq|mews|row|walk|rise|parade|hill|park|green|view|end|"
    r"vale|estate)\b)"
)


def nhs_checksum_ok(digits: str) -> bool:
    """NHS number modulus 11: weights 10..2 on the first nine digits; 11 means 0, 10 is invalid."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def nhs_checksums_ok(digit_strings: list[str]) -> np.ndarray:
    """Vectorised ``nhs_checksum_ok`` for many 10-digit strings."""
    return nhs_digits_ok("".join(digit_strings))


def nhs_digits_ok(digits: str) -> np.ndarray:
    """``nhs_checksums_ok`` for the numbers laid end to end in one string of digits."""
    if not digits:
        return np.zeros(0, dtype=bool)
    raw = np.frombuffer(digits.encode("ascii"), dtype=np.uint8)
    digits = (raw - 48).reshape(-1, 10).astype(np.int64)
    total = digits[:, :9] @ np.arange(10, 1, -1)
    check = 11 - total % 11
    check[check == 11] = 0
    return (check != 10) & (check == digits[:, 9])


def is_nhs(value: str) -> bool:
    return bool(NHS_SHAPE.fullmatch(value)) and nhs_checksum_ok(NON_DIGITS.sub("", value))


def phone_digits_ok(digits: str) -> bool:
    """UK numbers: +44/0044 or trunk 0, then 9-10 national digits not starting 0, 4 or 6."""
    if digits.startswith("0044"):
        national = digits[4:]
    elif digits.startswith("44") and len(digits) in (11, 12, 13):
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        return False
    if national.startswith("0") and len(national) in (10, 11):  # "+44 (0)20 ..."
        national = national[1:]
    return len(national) in (9, 10) and national[0] in "1235789"


def is_phone(value: str) -> bool:
    return bool(PHONE_SHAPE.fullmatch(value)) and phone_digits_ok(NON_DIGITS.sub("", value))


def is_email(value: str) -> bool:
    return bool(EMAIL_FULL.fullmatch(value))


def compact_postcode(value: str) -> str:
    return "".join(value.split()).upper()


def is_postcode(value: str) -> bool:
    return bool(POSTCODE_COMPACT.fullmatch(compact_postcode(value)))


def normalise_postcode(value: str) -> str:
    """'nw51tl' -> 'NW5 1TL' (only call on valid postcodes)."""
    compact = compact_postcode(value)
    return f"{compact[:-3]} {compact[-3:]}"


def is_ni(value: str) -> bool:
    return bool(NI_FULL.fullmatch(compact_postcode(value)))


def parse_date(value: str) -> dt.date | None:
    for pattern, order in ((DATE_DMY, "dmy"), (DATE_ISO, "ymd"), (DATE_TEXT, "dMy")):
        m = pattern.fullmatch(value)
        if not m:
            continue
        a, b, c = m.groups()
        try:
            if order == "dmy":
                return dt.date(int(c), int(b), int(a))
            if order == "ymd":
                return dt.date(int(a), int(b), int(c))
            month = MONTH_NAMES.get(b.lower())
            return dt.date(int(c), month, int(a)) if month else None
        except ValueError:
            return None
    return None


def is_address(value: str) -> bool:
    return bool(ADDRESS_SEARCH.search(value)) and any(ch.isalpha() for ch in value)


def age_on(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def mask(value: str) -> str:
    """'Jane Smith' -> 'J*** S****', '0770 090' -> '0*** ***': keep each word's first letter."""
    out = []
    keep_next = True
    for position, ch in enumerate(value[:40]):
        if ch.isalnum():
            out.append(ch if keep_next and (ch.isalpha() or position == 0) else "*")
            keep_next = False
        else:
            out.append(ch)
            keep_next = ch in " \t"
    return "".join(out)
