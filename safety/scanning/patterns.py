"""Formats and checksums of UK personal identifiers. Each ``is_*`` takes one cell value."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

import numpy as np
import phonenumbers

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
# What each type is called on the pages people read.
PII_TYPE_LABELS = {
    "PERSON_NAME": "Names",
    "EMAIL": "Email addresses",
    "PHONE": "Phone numbers",
    "NHS_NUMBER": "NHS numbers",
    "NI_NUMBER": "National Insurance numbers",
    "POSTCODE": "Postcodes",
    "DATE_OF_BIRTH": "Dates of birth",
    "ADDRESS": "Addresses",
    "SYSTEM_ID": "Case or record numbers",
}

EMAIL = r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+"
EMAIL_FULL = re.compile(rf"\s*{EMAIL}\s*")
EMAIL_IN = re.compile(EMAIL)

# Postcode: outward code (area, district, optional sub-district) and inward code, per Royal Mail.
OUTWARD = r"(?:[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKS-UW]|[A-HK-Y]\d[ABEHMNPRV-Y]))"
INWARD = r"\d[ABD-HJLNP-UW-Z]{2}"
POSTCODE_COMPACT = re.compile(rf"(?:{OUTWARD}{INWARD}|GIR0AA)")
OUTWARD_FULL = re.compile(OUTWARD)
# Royal Mail's postcode areas (with Guernsey, Jersey and the Isle of Man): an outward code typed
# with a space inside it ("NW 5") is read only after one of these, not after any short word.
POSTCODE_AREAS = frozenset(
    """
    AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY
    E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD
    LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG
    SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE
    """.split()  # noqa: SIM905
)
# HMRC: first letter not D F I Q U V; second not D F I O Q U V; some pairs never issued.


def ni_typed(blank: str) -> str:
    """An NI number as a cell holds it (match ignoring case): its pairs of digits apart by
    ``blank`` characters, a dot or a hyphen ("AB.12.34.56.C", "ab-123456-c"), but not a
    service's reference: two letters, a hyphen and six digits ("SR-100000")."""
    gap = rf"{blank}*[.-]?{blank}*"
    return (
        rf"(?![a-z]{{2}}-\d{{6}}{blank}*$)(?!BG|GB|KN|NK|NT|TN|ZZ)"
        rf"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z](?:{gap}\d\d){{3}}(?:{gap}[A-D])?"
    )


NI_CELL = re.compile(r"\s*" + ni_typed(r"\s") + r"\s*", re.IGNORECASE)
NI_FULL = re.compile(r"(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]?")
NHS_SHAPE = re.compile(r"\s*\d{3}([ -]?)\d{3}\1\d{4}\s*")
# A phone number as people type it: digit groups split by spaces, dots, hyphens, slashes or
# brackets, "+44" or "0044" with an optional "(0)", and an optional extension.
PHONE_SHAPE = re.compile(
    r"\s*\+?[\d(][\d ()./\u2013-]*\d(?:[ ,]*(?i:ext|extn|extension|x)\.?[ :]*\d{1,6})?\s*"
)
PHONE_EXTENSION = re.compile(r"[ ,]*(?i:ext|extn|extension|x)\.?[ :]*\d{1,6}")
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
# Dates as people type them: day first with / . or - and a two- or four-digit year, ISO order,
# or the month in words ("3 April 1987", "3rd of Apr 87", "03-APR-1987", "3Apr1987").
DATE_DMY = re.compile(r"\s*(\d{1,2})\s?[/.-]\s?(\d{1,2})\s?[/.-]\s?((?:19|20)?\d{2})\s*")
DATE_ISO = re.compile(
    r"\s*((?:19|20)\d{2})([/.-])(\d{1,2})\2(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?\s*"
)
MONTH_WORD = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
DATE_TEXT = re.compile(
    rf"\s*(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?[\s./-]*((?i:{MONTH_WORD}))\.?,?[\s./-]*"
    r"((?:19|20)?\d{2})\s*"
)
# Month first ("April 3, 1987", "Apr 3rd 1987").
DATE_MDY = re.compile(
    rf"\s*((?i:{MONTH_WORD}))\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{{2}})\s*"
)
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


def uk_phone_national(digits: str, international: bool = False) -> str | None:
    """The national number (no trunk 0) if ``digits``, as typed, are a UK phone number.

    ``international`` says a '+' was typed before them. The national number must be one
    libphonenumber (``phonenumbers``) finds possible for the UK, starting 1, 2, 3, 5, 7, 8 or 9:
    "possible" rather than "valid", as Presidio's leniency allows, because Ofcom's ranges kept
    for drama and newly opened ranges are not "valid" in its tables yet are typed as real ones.
    """
    if digits.startswith("00"):
        if not digits.startswith("0044"):
            return None
        national, international = digits[4:], True
    elif international or (digits.startswith("44") and len(digits) in (11, 12, 13)):
        if not digits.startswith("44"):
            return None
        national, international = digits[2:], True
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        return None
    if international and national.startswith("0"):  # "+44 (0)20 ..." or "+44 020 ..."
        national = national[1:]
    if len(national) not in (9, 10) or national[0] not in "1235789":
        return None
    return national if _possible_in_gb(len(national), national[:4]) else None


@cache
def _possible_in_gb(length: int, start: str) -> bool:
    national = int(start.ljust(length, "0"))
    return phonenumbers.is_possible_number(
        phonenumbers.PhoneNumber(country_code=44, national_number=national)
    )


def phone_digits_ok(digits: str) -> bool:
    """UK numbers: +44/0044 or trunk 0, then 9-10 national digits not starting 0, 4 or 6."""
    return uk_phone_national(digits) is not None


def is_phone(value: str) -> bool:
    if not PHONE_SHAPE.fullmatch(value):
        return False
    value = PHONE_EXTENSION.sub("", value)
    return uk_phone_national(NON_DIGITS.sub("", value), value.lstrip().startswith("+")) is not None


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
    return bool(NI_CELL.fullmatch(value))


def parse_date(value: str, today: dt.date | None = None) -> dt.date | None:
    """A date typed in any common UK way; two-digit years are in the last hundred years."""
    m = DATE_DMY.fullmatch(value)
    if m:
        return make_date(m[1], m[2], m[3], today)
    m = DATE_ISO.fullmatch(value)
    if m:
        return make_date(m[4], m[3], m[1], today)
    m = DATE_TEXT.fullmatch(value)
    if m:
        return make_date(m[1], MONTH_NAMES.get(m[2].lower()), m[3], today)
    m = DATE_MDY.fullmatch(value)
    if m:
        return make_date(m[2], MONTH_NAMES.get(m[1].lower()), m[3], today)
    return None


def make_date(day, month, year, today: dt.date | None = None) -> dt.date | None:
    """The date of a day, month and year as typed (strings or numbers), or None if none."""
    if month is None:
        return None
    year = str(year)
    if len(year) == 2:
        now = (today or dt.date.today()).year
        year = 2000 + int(year) if 2000 + int(year) <= now else 1900 + int(year)
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
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
