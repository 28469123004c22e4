"""Synthetic case-management export with known personal data (fixed seed, written in chunks)."""

from __future__ import annotations

import csv
import datetime as dt

import numpy as np

from safety.scanning.names import STOP_WORDS, shipped_names

from . import typed

WARDS = [
    "Kentish Town",
    "Camden Town",
    "Highgate",
    "Bloomsbury",
    "Holborn",
    "Gospel Oak",
    "Haverstock",
    "Regent's Park",
    "St Pancras",
    "Frognal",
    "Hampstead Town",
    "Kilburn",
]
SERVICES = [
    "Food bank",
    "Housing support",
    "Debt advice",
    "Befriending",
    "Age UK referral",
    "Citizens Advice",
    "Mind counselling",
    "Energy grant",
]
STATUSES = ["open", "closed", "waiting", "referred"]
ETHNICITIES = [
    "White British",
    "White Irish",
    "Asian or Asian British - Indian",
    "Asian or Asian British - Pakistani",
    "Black African",
    "Black Caribbean",
    "Mixed White and Black Caribbean",
    "Chinese",
    "Other ethnic group",
]
SEXES = ["Female", "Male"]
RELATIVES = ["aunt", "uncle", "daughter", "son", "neighbour", "sister", "brother", "carer"]
TEMPLATES = [
    "Spoke to {own} about rent arrears; agreed a payment plan.",
    "Client anxious about the electricity bill. Referred to Citizens Advice.",
    "Her {rel} {other} called on {phone} asking for help with shopping.",
    "Visited at home, discussed food bank vouchers with {own} and the family.",
    "Mrs {surname} says the landlord has not fixed the damp. Follow up next week.",
    "Email from {email} confirming the appointment on 12/03/2024.",
    "GP letter quotes NHS number {nhs}; shared with the Mind counselling team.",
    "No further action needed this week; Age UK befriending continues.",
    "{own} said their {rel} {unknown} will help with forms.",
    "Called {phone}, no answer. Will try again on Monday.",
    "NI number given as {ni} for the benefits form; ring back on {phone}.",
    "Moved to {postcode} last month (DOB {dob}).",
    "Client d.o.b. {dob}; NHS no. {nhs}, new address {postcode}.",
    "Her {child} {kid}{kid_dob} lives at home.",
]
CHILDREN = ["son", "daughter", "grandson", "granddaughter"]
# Phone numbers typed in notes: mobiles and landlines in Ofcom's drama ranges, as national numbers
# without the trunk 0, completed with random digits.
NOTE_PHONES = ["77009", "163296", "2079460", "1614960", "1134960", "1174960", "7700900"]
HELD_OUT = ["Zorvath", "Quilleth", "Brannoch", "Tavistrel", "Ormeline", "Kestavo", "Druvelle"]


def _nhs_numbers(rng, n):
    digits = rng.integers(0, 10, size=(n * 2, 9))
    digits[:, 0] = rng.integers(4, 8, size=n * 2)
    total = digits @ np.arange(10, 1, -1)
    check = 11 - total % 11
    check[check == 11] = 0
    ok = check != 10
    digits, check = digits[ok][:n], check[ok][:n]
    return [
        "".join(map(str, d)) + str(c) for d, c in zip(digits.tolist(), check.tolist(), strict=True)
    ]


def _postcodes(rng, n):
    areas = ["NW", "N", "WC", "EC", "SE", "E", "W", "LU", "MK", "SG"]
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    out = set()
    while len(out) < n:
        a = areas[rng.integers(len(areas))]
        out.add(
            f"{a}{rng.integers(1, 10)} {rng.integers(0, 10)}"
            f"{letters[rng.integers(20)]}{letters[rng.integers(20)]}"
        )
    return sorted(out)


def generate(path: str, rows: int, seed: int = 20201101, chunk: int = 100_000) -> dict:
    """Write the CSV; return the truths the quality measures need."""
    rng = np.random.default_rng(seed)
    first_all, last_all = shipped_names()
    firsts = sorted(
        n.title() for n in first_all if n.isalpha() and len(n) > 2 and n not in STOP_WORDS
    )
    lasts = sorted(
        n.title() for n in last_all if n.isalpha() and len(n) > 2 and n not in STOP_WORDS
    )
    pool = _postcodes(rng, max(200, rows // 40))
    households = {
        pc: int(h) for pc, h in zip(pool, rng.integers(1, 60, size=len(pool)), strict=True)
    }
    today = dt.date(2025, 6, 1)
    truth = {"note_names": [], "note_values": [], "households": households}
    header = [
        "case_id",
        "full_name",
        "email",
        "phone",
        "nhs_number",
        "ni_number",
        "postcode",
        "date_of_birth",
        "age",
        "sex",
        "ethnicity",
        "ward",
        "service",
        "amount",
        "referral_date",
        "status",
        "notes",
    ]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            f = rng.integers(len(firsts), size=n)
            s = rng.integers(len(lasts), size=n)
            other_f = rng.integers(len(firsts), size=n)
            held = rng.integers(len(HELD_OUT), size=n)
            ages = rng.integers(18, 95, size=n)
            days = rng.integers(0, 365, size=n)
            nhs = _nhs_numbers(rng, n)
            pcs = rng.integers(len(pool), size=n)
            amounts = np.round(rng.normal(50, 120, size=n), 2)
            tmpl = rng.integers(len(TEMPLATES), size=n)
            rel = rng.integers(len(RELATIVES), size=n)
            eth = rng.integers(len(ETHNICITIES), size=n)
            for i in range(n):
                row_no = start + i
                first, last = firsts[f[i]], lasts[s[i]]
                phone = f"07700 9{row_no % 100000:05d}"
                email = f"{first.lower()}.{last.lower()}{row_no}@example.com"
                born = today - dt.timedelta(days=int(ages[i]) * 365 + int(days[i]))
                other = f"{firsts[other_f[i]]} {lasts[s[(i + 7) % n]]}"
                t = TEMPLATES[tmpl[i]]
                ni_value = f"JG{row_no % 1000000:06d}A"
                kid = firsts[other_f[i]]
                kid_born = today - dt.timedelta(days=int(days[i]) + 365 * int(ages[i] % 9))
                stem = NOTE_PHONES[row_no % len(NOTE_PHONES)]
                national = stem + f"{row_no:010d}"[len(stem) :]
                code = pool[pcs[i]]
                makers = {
                    "{phone}": ("PHONE", national, typed.phone, national),
                    "{nhs}": ("NHS_NUMBER", nhs[i], typed.nhs, nhs[i]),
                    # typed with or without its suffix letter: the rest must be gone
                    "{ni}": ("NI_NUMBER", ni_value[:8], typed.ni, ni_value),
                    "{dob}": ("DATE_OF_BIRTH", None, typed.birth_date, born),
                    "{kid_dob}": ("DATE_OF_BIRTH", None, typed.child_birth_date, kid_born),
                    "{postcode}": ("POSTCODE", code, typed.postcode, code),
                    "{email}": ("EMAIL", email, typed.as_is, email),
                }
                used = {
                    key: (kind, value, make(rng, arg))
                    for key, (kind, value, make, arg) in makers.items()
                    if key in t
                }
                note = t.format(
                    own=first,
                    rel=RELATIVES[rel[i]],
                    other=other,
                    surname=last,
                    unknown=HELD_OUT[held[i]],
                    child=CHILDREN[rel[i] % len(CHILDREN)],
                    kid=kid,
                    **{k[1:-1]: v[2] for k, v in used.items()},
                )
                names = []
                if "{own}" in t:
                    names.append(first)
                if "{other}" in t:
                    names.extend(other.split())
                if "{surname}" in t:
                    names.append(last)
                if "{unknown}" in t:
                    names.append(HELD_OUT[held[i]])
                if "{kid}" in t:
                    names.append(kid)
                # What must not be left: (type, the value in any spacing, or the date as typed).
                values = [(kind, v or typed_value) for kind, v, typed_value in used.values()]
                truth["note_names"].append(names)
                truth["note_values"].append(values)
                writer.writerow(
                    [
                        f"CASE-{row_no:07d}",
                        f"{first} {last}",
                        email,
                        phone,
                        f"{nhs[i][:3]} {nhs[i][3:6]} {nhs[i][6:]}",
                        ni_value,
                        pool[pcs[i]],
                        born.strftime("%d/%m/%Y"),
                        str(ages[i]),
                        SEXES[i % 2],
                        ETHNICITIES[eth[i]],
                        WARDS[pcs[i] % len(WARDS)],
                        SERVICES[tmpl[i] % len(SERVICES)],
                        f"{amounts[i]:.2f}",
                        (today - dt.timedelta(days=int(days[i]))).isoformat(),
                        STATUSES[i % 4],
                        note,
                    ]
                )
    return truth
