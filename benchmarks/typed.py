"""Identifiers typed the many ways people type them into notes, for the benchmark's generator.

Adversarial on purpose: every grouping, case, separator and bracket style the engine should
handle, drawn at random, so a form it misses shows up as a leak in `make bench`.
"""

from __future__ import annotations

import datetime as dt

SEPARATORS = [" ", " ", "", "-", ".", "  ", " - "]
EXTENSIONS = ["", "", "", " ext 123", " ext. 4021", " x22", ", extension 7"]
MONTHS = [dt.date(2000, m, 1).strftime("%B") for m in range(1, 13)]


def _cut(rng, digits: str, pieces: int) -> list[str]:
    if pieces <= 1 or len(digits) < 2:
        return [digits]
    cuts = sorted(set(rng.integers(1, len(digits), size=pieces - 1).tolist()))
    return [digits[a:b] for a, b in zip([0, *cuts], [*cuts, len(digits)], strict=True)]


def phone(rng, national: str) -> str:
    """``national``: the number without its trunk 0 ("2079460123", "7700900123")."""
    area = int(rng.integers(2, 5))
    head, body = national[: area - 1], national[area - 1 :]
    sep = SEPARATORS[rng.integers(len(SEPARATORS))]
    body = sep.join(_cut(rng, body, int(rng.integers(1, 4))))
    style = int(rng.integers(9))
    if style == 0:
        typed = f"0{head}{sep}{body}"
    elif style == 1:
        typed = f"(0{head}) {body}"
    elif style == 2:
        typed = f"+44 {head} {body}"
    elif style == 3:
        typed = f"+44 (0){head} {body}"
    elif style == 4:
        typed = f"0044 {head}{sep}{body}"
    elif style == 5:
        typed = f"+44{national}"
    elif style == 6:
        typed = " ".join(_cut(rng, "0" + national, int(rng.integers(3, 6))))
    elif style == 7:
        typed = f"0{national}"
    else:  # no trunk 0, as some type it after "call", "tel" or "mob": "7700 900123"
        typed = f"({head}) {body}" if rng.integers(2) else f"{head}{sep}{body}"
    return typed + EXTENSIONS[rng.integers(len(EXTENSIONS))]


def ni(rng, value: str) -> str:
    """``value``: 'AB123456C'. Typed after words that say it is one ("NI number given as")."""
    letters, digits, suffix = value[:2], value[2:8], value[8:]
    style = int(rng.integers(9))
    if style == 0:
        typed = f"{letters} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"
    elif style == 1:
        typed = f"{letters}{digits}{suffix}"
    elif style == 2:
        typed = f"{letters}-{digits[:2]}-{digits[2:4]}-{digits[4:]}-{suffix}"
    elif style == 3:
        typed = f"{letters} {digits[:3]} {digits[3:]} {suffix}"
    elif style == 4:
        typed = f"{letters[0]} {letters[1]} {' '.join(digits)} {suffix}"
    elif style == 5:
        typed = f"{letters} {digits}{suffix}"
    elif style == 6:
        typed = f"{letters}.{digits[:2]}.{digits[2:4]}.{digits[4:]}.{suffix}"
    elif style == 7:
        typed = f"{letters}.{digits}.{suffix}"
    else:  # no suffix letter, hyphenated like a service reference
        typed = f"{letters}-{digits}"
    case = int(rng.integers(3))
    return typed.lower() if case == 0 else typed.title() if case == 1 else typed


def nhs(rng, number: str) -> str:
    style = int(rng.integers(4))
    if style == 0:
        return f"{number[:3]} {number[3:6]} {number[6:]}"
    if style == 1:
        return number
    if style == 2:
        sep = "-."[int(rng.integers(2))]
        return f"{number[:3]}{sep}{number[3:6]}{sep}{number[6:]}"
    return " ".join(_cut(rng, number, int(rng.integers(2, 6))))


def birth_date(rng, born: dt.date) -> str:
    month = MONTHS[born.month - 1]
    forms = [
        f"{born.day:02d}/{born.month:02d}/{born.year}",
        f"{born.day}/{born.month}/{born.year % 100:02d}",
        f"{born.day:02d}.{born.month:02d}.{born.year % 100:02d}",
        f"{born.day:02d}-{born.month:02d}-{born.year}",
        born.isoformat(),
        f"{born.day} {month} {born.year}",
        f"{born.day} {month[:3].lower()} {born.year}",
        f"{born.day:02d}-{month[:3].upper()}-{born.year}",
        f"{month} {born.day}, {born.year}",
        f"{born.day}th of {month} {born.year}",
    ]
    return forms[rng.integers(len(forms))]


def child_birth_date(rng, born: dt.date) -> str:
    """A child's birth date beside the child's name, with no birth word: ", 14/03/2019"."""
    forms = [
        f", {born.day:02d}/{born.month:02d}/{born.year},",
        f" ({born.day:02d}.{born.month:02d}.{born.year})",
        f", aged {max(1, 2025 - born.year)} ({born.isoformat()})",
        f" - {born.day} {MONTHS[born.month - 1]} {born.year} -",
    ]
    return forms[rng.integers(len(forms))]


def postcode(rng, code: str) -> str:
    """``code``: 'NW5 1TL'."""
    outward, inward = code.split(" ")
    if rng.integers(4) == 0:  # a space inside the outward code: "NW 5 1TL"
        area = outward.rstrip("0123456789")
        outward = f"{area} {outward[len(area) :]}"
    sep = ["", " ", "  ", "-"][rng.integers(4)]
    typed = outward + sep + inward
    case = int(rng.integers(3))
    return typed.lower() if case == 0 else typed if case == 1 else typed.title()


def as_is(rng, value: str) -> str:
    return value
