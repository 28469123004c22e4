"""Classify a column from a sample of its values (by content; the header only breaks ties), then
count matches over whole chunks with one regex per column on the joined cells."""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from .freetext import TextScrubber
from .names import HARD_STOP, MONTHS, ORG_PLACE, STOP_WORDS, NameIndex
from .patterns import (
    EMAIL,
    INWARD,
    NON_DIGITS,
    OUTWARD,
    OUTWARD_FULL,
    age_on,
    is_address,
    is_email,
    is_nhs,
    is_ni,
    is_phone,
    is_postcode,
    nhs_digits_ok,
    ni_typed,
    parse_date,
)

ACTION_BY_TYPE = {
    "PERSON_NAME": "drop",
    "EMAIL": "drop",
    "PHONE": "drop",
    "NHS_NUMBER": "drop",
    "NI_NUMBER": "drop",
    "ADDRESS": "drop",
    "SYSTEM_ID": "pseudonymise",
    "DATE_OF_BIRTH": "generalise",
}
SEX_VALUES = frozenset(
    [
        "m",
        "f",
        "male",
        "female",
        "man",
        "woman",
        "men",
        "women",
        "boy",
        "girl",
        "x",
        "u",
        "non-binary",
        "nonbinary",
        "non",
        "binary",
        "other",
        "unknown",
        "intersex",
        "transgender",
        "trans",
        "prefer",
        "not",
        "to",
        "say",
        "not",
        "stated",
        "not",
        "known",
    ]
) | {"prefer not to say", "not stated", "not known", "non binary"}
ETHNIC_WORDS = re.compile(
    r"(?i)\b(white|black|asian|mixed|british|irish|caribbean|african|indian|pakistani|"
    r"bangladeshi|chinese|arab|gypsy|traveller|roma|multiple|ethnic|other ethnic)\b"
)
NOT_STATED = frozenset(
    [
        "not stated",
        "prefer not to say",
        "not known",
        "unknown",
        "declined",
        "refused",
        "n/a",
        "not recorded",
        "not given",
        "information refused",
        "none",
    ]
)
AGE_HEADER = re.compile(r"(?i)(?:^|[^a-z])age(?:[^a-z]|$)")
NAME_HEADER = re.compile(
    r"(?i)^(?:client |resident |person |contact |full |first |last |family |given |middle |sur)?"
    r"(?:name|forenames?|surname)s?$"
)
DOB_HEADER = re.compile(r"(?i)birth|\bdob\b|d\.o\.b|born")
ID_HEADER = re.compile(r"(?i)(?:^|[^a-z])(id|ref|reference|number|no|code|urn|key)(?:[^a-z]|$)|id$")
WARD_HEADER = re.compile(r"(?i)\bward")
DISTRICT_HEADER = re.compile(r"(?i)post\s*code|postcode|district|outcode|post_code")
ID_SHAPE = re.compile(
    r"[A-Za-z]{0,6}[-_/ ]?\d{3,}[A-Za-z0-9/-]*|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
    r"[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{16,}"
)
NAME_SHAPE = re.compile(r"[^\W\d_][\w'’.-]*(?:,? [^\W\d_][\w'’.-]*){0,3}")
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")

# Multi-line regexes used to count matching cells in a joined chunk. Leading blanks are matched
# with ``[^\S\n]*`` rather than ``\s*``: the same matches (a ``\s*`` that crossed blank lines only
# moved a match's start back), without retrying every blank line at every position.
COUNT_RE = {
    "EMAIL": re.compile(rf"(?m)^[^\S\n]*{EMAIL}\s*$"),
    "POSTCODE": re.compile(rf"(?mi)^[^\S\n]*{OUTWARD}\s*{INWARD}\s*$"),
    "NI_NUMBER": re.compile(r"(?mi)^[^\S\n]*" + ni_typed(r"[^\S\n]") + r"[^\S\n]*$"),
    "NHS_NUMBER": re.compile(r"(?m)^[^\S\n]*(\d{3}[ -]?\d{3}[ -]?\d{4})\s*$"),
    # The national number's first digit is checked in the pattern so no per-cell Python runs.
    "PHONE": re.compile(
        r"(?m)^[ \t]*(?:(?:\+|00)44[ .-]?(?:\(0\)[ .-]?)?|\(0|0)[1235789](?:[ .)/-]{0,3}\d){8,9}"
        r"(?:[ ,]*(?i:ext|extn|extension|x)\.?[ :]*\d{1,6})?[ \t]*$"
    ),
}
WHOLE_CELL_TYPES = ("EMAIL", "NHS_NUMBER", "NI_NUMBER", "POSTCODE", "PHONE")
PLACEHOLDER_OF = {
    "EMAIL": "[EMAIL]",
    "PHONE": "[PHONE]",
    "NHS_NUMBER": "[NHS_NUMBER]",
    "NI_NUMBER": "[NI_NUMBER]",
    "POSTCODE": "[POSTCODE]",
}
# A type found in at least this share of a column's cells is reported and remedied.
MEANINGFUL_SHARE = 0.02
VALIDATORS = {
    "EMAIL": is_email,
    "POSTCODE": is_postcode,
    "NI_NUMBER": is_ni,
    "NHS_NUMBER": is_nhs,
    "PHONE": is_phone,
    "DATE_OF_BIRTH": lambda v: parse_date(v) is not None,
}


@dataclass
class Profile:
    """What a column holds, decided from a sample."""

    kind: str  # a PII type, "free_text", "mixed" (short text with some PII) or "plain"
    pii_types: list[str] = field(default_factory=list)
    confidence: float = 0.0
    qi_kind: str | None = None  # age, dob, sex, ethnicity, ward, district, postcode
    labels: bool = False  # a small closed set of repeated labels (a category)


def _share(values: list[str], test) -> float:
    return sum(1 for v in values if test(v)) / len(values) if values else 0.0


def classify(header: str, sample: list[str], names: NameIndex, today: dt.date) -> Profile:
    """Decide a column's kind from up to a few thousand non-empty values."""
    values = [v.strip() for v in sample if v and v.strip()]
    if not values:
        return Profile("plain", qi_kind=_qi_kind(header, values, None))
    n = len(values)
    distinct = len(set(values)) / n
    words = [len(v.split()) for v in values]
    category = _is_category(values)
    long = sum(len(v) for v in values) / n >= 25 and sum(1 for w in words if w >= 4) / n >= 0.5
    # A few long labels of a known category ("White: English, Welsh, Scottish, Northern Irish
    # or British") are not notes; canned notes repeated are still notes, and scrubbed.
    if long and not (category and _qi_kind(header, values, None)):
        return Profile("free_text", confidence=1.0)
    shares = {t: _share(values, VALIDATORS[t]) for t in WHOLE_CELL_TYPES}
    if sum(shares.values()) >= 0.6:
        # A hand-filled contact column may hold phone numbers in some rows, emails in others.
        kind = max(WHOLE_CELL_TYPES, key=lambda t: (shares[t], -WHOLE_CELL_TYPES.index(t)))
        qi = "postcode" if kind == "POSTCODE" else None
        profile = Profile(kind, [kind], round(sum(shares.values()), 3), qi)
        return _with_embedded_types(profile, values, names, today)
    dates = [parse_date(v, today) for v in values]
    born = [d for d in dates if d is not None and _plausible_birth(d, today)]
    if len(born) / n >= 0.8 and _looks_like_birth_dates(header, born, today):
        return Profile("DATE_OF_BIRTH", ["DATE_OF_BIRTH"], round(len(born) / n, 3), "dob")
    qi = _qi_kind(header, values, None)
    if qi:
        return Profile("plain", qi_kind=qi, labels=category)
    share = _share(values, is_address)
    if share >= 0.6:
        profile = Profile("ADDRESS", ["ADDRESS"], round(share, 3))
        return _with_embedded_types(profile, values, names, today)
    if NAME_HEADER.search(header) and _name_share(values, names, distinct, by_shape=True) >= 0.8:
        return Profile("PERSON_NAME", ["PERSON_NAME"], 0.8)  # "Surname": the header decides
    # Identifiers repeated per visit beside "Not known" also look like a closed set of labels:
    # a set holding NI numbers, phones, emails or postcodes is scrubbed, not kept.
    labels_hold_pii = any(share >= MEANINGFUL_SHARE for share in shares.values())
    if category and not labels_hold_pii and _name_share(sorted(set(values)), names, 1.0) < 0.5:
        # A small closed set of repeated labels (groups, services, outcomes) is not names.
        return Profile("plain", labels=True)
    share = _name_share(values, names, distinct)
    if share >= 0.5:
        return Profile("PERSON_NAME", ["PERSON_NAME"], round(share, 3))
    share = _id_share(values)
    if share >= 0.9 and (distinct >= 0.9 or (ID_HEADER.search(header) and distinct >= 0.2)):
        return Profile("SYSTEM_ID", ["SYSTEM_ID"], round(share * min(1.0, distinct + 0.1), 3))
    if _mostly_numbers(values):
        return Profile("plain")
    scrubber = TextScrubber(names, find_names=False, today=today)
    scrubbed = scrubber.scrub(values)
    changed = sum(1 for a, b in zip(values, scrubbed, strict=True) if a != b)
    if changed:
        types = sorted(scrubber.counts, key=_type_order)
        return Profile("mixed", types, round(changed / n, 3))
    return Profile("plain")


def _with_embedded_types(profile: Profile, values, names: NameIndex, today) -> Profile:
    """Add every other type found in a meaningful share of the cells (a postcode at the end of
    some address lines, an email in some rows of a phone column)."""
    scrubbed = TextScrubber(names, find_names=False, find_dates=False, today=today).scrub(values)
    n = len(values)
    for pii_type, placeholder in PLACEHOLDER_OF.items():
        if pii_type in profile.pii_types:
            continue
        if sum(1 for v in scrubbed if placeholder in v) / n >= MEANINGFUL_SHARE:
            profile.pii_types.append(pii_type)
    profile.pii_types.sort(key=_type_order)
    return profile


def strictest_action(pii_types: list[str]) -> str | None:
    """The remedy that covers every type a column holds (dropping covers everything)."""
    actions = [ACTION_BY_TYPE.get(t, "generalise") for t in pii_types]
    for action in ("drop", "pseudonymise", "generalise"):
        if action in actions:
            return action
    return None


def _plausible_birth(date: dt.date, today: dt.date) -> bool:
    return today.year - 120 <= date.year and date <= today


def _is_category(values: list[str]) -> bool:
    """Cells drawn from a small closed set of labels, each repeated (none written only once)."""
    labels = Counter(values)
    return len(values) >= 40 and len(labels) <= 60 and min(labels.values()) >= 2


def _type_order(t: str) -> int:
    from .patterns import PII_TYPES

    return PII_TYPES.index(t)


def _mostly_numbers(values: list[str]) -> bool:
    return _share(values, lambda v: bool(NUMBER.fullmatch(v.replace(",", "")))) >= 0.9


def _looks_like_birth_dates(header: str, dates: list[dt.date], today: dt.date) -> bool:
    if DOB_HEADER.search(header):
        return True
    years = sorted(d.year for d in dates)
    spread = years[int(len(years) * 0.95) - 1 if len(years) > 1 else 0] - years[len(years) // 20]
    median_age = statistics.median(age_on(d, today) for d in dates)
    return spread >= 20 and median_age >= 5


def _qi_kind(header: str, values: list[str], _unused) -> str | None:
    if WARD_HEADER.search(header):
        return "ward"
    if not values:
        return None
    lows = [v.lower() for v in values]
    if AGE_HEADER.search(header) and _share(values, lambda v: v.isdigit() and int(v) <= 120) >= 0.9:
        return "age"
    if _share(lows, lambda v: v in SEX_VALUES) >= 0.9:
        return "sex"
    stated = [v for v in lows if v not in NOT_STATED]
    if stated and _share(stated, lambda v: bool(ETHNIC_WORDS.search(v))) >= 0.8:
        return "ethnicity"
    if DISTRICT_HEADER.search(header) and (
        _share(values, lambda v: bool(OUTWARD_FULL.fullmatch(v.upper()))) >= 0.9
    ):
        return "district"
    return None


def _name_share(
    values: list[str], names: NameIndex, distinct: float, by_shape: bool = False
) -> float:
    """Share of values that look like people's names; 0 for months, organisations and places.
    ``by_shape``: the share shaped like names at all (for a column whose header says names)."""
    shaped = hits = orgs = 0
    for value in values:
        if not NAME_SHAPE.fullmatch(value):
            continue
        shaped += 1
        tokens = [t.strip(".,'’").lower() for t in value.split()]
        if any(t in ORG_PLACE for t in tokens) or all(t in MONTHS for t in tokens):
            orgs += 1
            continue
        if len(tokens) == 1:
            # A lone word is a name only if it is a known first name or one of the file's names
            # (wards such as "Highgate" share spellings with surnames).
            low = tokens[0]
            if low in names.file_names or (low in names.first and low not in STOP_WORDS):
                hits += 1
        elif any(names.is_name_token(t) for t in tokens if t not in HARD_STOP):
            hits += 1
    n = len(values)
    if shaped / n < 0.8 or orgs / n > 0.2:
        return 0.0
    return (shaped - orgs) / n if by_shape else hits / n


def _id_share(values: list[str]) -> float:
    ok = [v for v in values if ID_SHAPE.fullmatch(v)]
    if not ok:
        return 0.0
    digits_only = [v for v in ok if v.isdigit()]
    if digits_only:
        lengths = [len(v) for v in digits_only]
        common = max(set(lengths), key=lengths.count)
        if common < 5 or lengths.count(common) / len(lengths) < 0.9:
            ok = [v for v in ok if not v.isdigit()]
    return len(ok) / len(values)


def count_matches(
    kind: str, values: list[str] | tuple[str, ...], cache: dict[str, bool] | None = None
) -> int:
    """How many cells of a structured column hold a value of its kind (vectorised).

    ``cache`` (optional, kept by the caller across chunks) remembers the verdict on each distinct
    value for kinds checked one value at a time, such as dates of birth.
    """
    if kind in ("PERSON_NAME", "SYSTEM_ID", "ADDRESS"):  # every non-blank cell
        return len(values) - values.count("") - sum(map(str.isspace, values))
    pattern = COUNT_RE.get(kind)
    text = "\n".join(values)
    if pattern is None or text.count("\n") != len(values) - 1:
        test = VALIDATORS[kind]
        verdicts = {} if cache is None else cache
        total = 0
        for value, n in Counter(values).items():
            ok = verdicts.get(value)
            if ok is None:
                ok = bool(value) and bool(test(value))
                if len(verdicts) < 1_000_000:
                    verdicts[value] = ok
            if ok:
                total += n
        return total
    if kind == "NHS_NUMBER":
        digits = NON_DIGITS.sub("", "".join(pattern.findall(text)))
        return int(nhs_digits_ok(digits).sum())
    return len(pattern.findall(text))
