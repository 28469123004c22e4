"""``python -m benchmarks.independent [--rows N]``: the engine on data it was not tuned on.

A second generator, written apart from ``benchmarks.data`` and sharing none of its code, names or
phrasing: a council's hand-kept case list, as staff fill it in. Contact columns typed by hand
(phone numbers in some rows, emails in others), address lines with the postcode in some rows,
birth dates in mixed formats, ethnic groups as ONS labels, and case notes in staff shorthand with
identifiers typed every which way. It prints column precision and recall (over column and type
pairs), what is left in free text per type, and small-cell postcodes left anywhere.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import re
import tempfile
import time
from collections import Counter
from pathlib import Path

from safety.scanning import ScanOptions, redact, scan

TODAY = dt.date(2025, 6, 1)
THRESHOLD = 10
FORENAMES = """
Abimbola Adaeze Agnieszka Aidan Ayesha Bartosz Beatrix Bilal Bronwen Callum Chioma Ciaran
Dariusz Deepa Declan Eilidh Emeka Esther Fatima Ffion Gareth Gulshan Hamza Harpreet Imogen
Ioana Jaswinder Kacper Kemi Leighton Lowri Magdalena Mairead Mehmet Niamh Nkechi Oisin Olamide
Parveen Rhiannon Rukhsana Saoirse Shabnam Siobhan Tadeusz Tamsin Tariq Uchenna Wiktoria Yusuf
Zainab Zofia Rohan Priya Kwame Ngozi Dorota Lachlan Morag
""".split()  # noqa: SIM905
SURNAMES = """
Adebayo Akhtar Baptiste Begum Bhatt Brennan Chaudhry Cwik Dimitrov Donnelly Ekwueme Farrell
Fitzgerald Gallagher Grabowski Hussain Iqbal Jankowski Kaur Kowalczyk Llewellyn Mahmood
McLaughlin Mensah Mirza Nwachukwu O'Sullivan Okonkwo Pritchard Quigley Rahman Rees Sandhu
Szymanski Tiwari Uddin Vaughan Wojcik Yildiz Zielinski Boateng Campbell Dhillon Egan Fernandes
Gill Hegarty Islam Jones Kamara Lewandowski Murphy Nowicki Obi Parry Rafiq Sheikh
""".split()  # noqa: SIM905
STREETS = [
    "Elm Road",
    "Cedar Court",
    "Park Street",
    "Dunstable Road",
    "Bury Park Road",
    "Hitchin Road",
    "Leagrave High Street",
    "Marsh Road",
    "Wigmore Lane",
    "Chapel Street",
]
LOCALITIES = ["Luton", "Dunstable", "Houghton Regis", "Leighton Buzzard", "Biggleswade"]
WARDS = [
    "Biscot",
    "Dallow",
    "High Town",
    "Farley",
    "Round Green",
    "Saints",
    "Sundon Park",
    "Wigmore",
    "Leagrave",
    "Stopsley",
    "Lewsey",
    "Barnfield",
]
REFERRERS = [
    "Luton Foodbank",
    "Citizens Advice Luton",
    "GP surgery",
    "Self",
    "Jobcentre Plus",
    "Luton Borough Council",
    "Mind BLMK",
    "Salvation Army",
]
ETHNIC_GROUPS = [
    "White: English, Welsh, Scottish, Northern Irish or British",
    "White: Irish",
    "White: Gypsy or Irish Traveller",
    "White: Roma",
    "White: Any other White background",
    "Mixed or Multiple: White and Black Caribbean",
    "Mixed or Multiple: White and Asian",
    "Asian or Asian British: Pakistani",
    "Asian or Asian British: Bangladeshi",
    "Asian or Asian British: Indian",
    "Black, Black British, Caribbean or African: African",
    "Black, Black British, Caribbean or African: Caribbean",
    "Other ethnic group: Arab",
    "Other ethnic group: Any other ethnic group",
    "Prefer not to say",
    "Not known",
]
GENDERS = ["F", "M", "Female", "Male", "female", "Non-binary", "Prefer not to say"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
# What each column truly holds: the (column, type) pairs the report should list.
TRUTH = {
    "Client Ref": {"SYSTEM_ID"},
    "Forename": {"PERSON_NAME"},
    "Surname": {"PERSON_NAME"},
    "Contact": {"PHONE", "EMAIL"},
    "Address": {"ADDRESS", "POSTCODE"},
    "Post Code": {"POSTCODE"},
    "DOB": {"DATE_OF_BIRTH"},
    "Gender": set(),
    "Ethnic Group": set(),
    "Ward": set(),
    "Referred By": set(),
    "Amount Awarded": set(),
    "Date of Contact": set(),
    "Case Notes": {
        "PERSON_NAME",
        "PHONE",
        "EMAIL",
        "NHS_NUMBER",
        "NI_NUMBER",
        "POSTCODE",
        "DATE_OF_BIRTH",
    },
    "Other Info": {"PERSON_NAME", "PHONE", "EMAIL"},
}


class Person:
    """One resident, with identifiers drawn from a seeded ``random.Random``."""

    def __init__(self, r: random.Random, number: int, postcodes: list[str]):
        self.first, self.last = r.choice(FORENAMES), r.choice(SURNAMES)
        self.born = TODAY - dt.timedelta(days=r.randint(18 * 365, 92 * 365))
        self.mobile = "7" + r.choice("3456789") + f"{r.randint(0, 99_999_999):08d}"
        self.landline = r.choice(["1582", "1525", "1767"]) + f"{r.randint(0, 999_999):06d}"
        self.email = f"{self.first[0].lower()}{self.last.lower().replace(chr(39), '')}"
        self.email += f"{number % 97}@{r.choice(['gmail.com', 'hotmail.co.uk', 'outlook.com'])}"
        self.nhs = _nhs_number(r)
        self.ni = (
            r.choice(["JT", "NE", "PX", "SK", "WL", "BH", "ZA", "HR"])
            + f"{r.randint(0, 999_999):06d}"
            + r.choice("ABCD")
        )
        self.postcode = r.choice(postcodes)


def _nhs_number(r: random.Random) -> str:
    while True:
        nine = str(r.randint(400_000_000, 799_999_999))
        check = 11 - sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return nine + str(check)


def _phone_as_typed(r: random.Random, national: str, trunk: bool = True) -> str:
    """Hand-typed: a table of the layouts seen on forms, filled from the national number;
    in notes (``trunk`` False) some leave out the leading 0."""
    n = national
    if not trunk and r.random() < 0.25:
        return r.choice([f"{n[:4]} {n[4:]}", n, f"{n[:2]} {n[2:6]} {n[6:]}", f"({n[:4]}) {n[4:]}"])
    layouts = [
        f"0{n[:4]} {n[4:]}",
        f"0{n[:4]}{n[4:]}",
        f"0{n[:3]} {n[3:6]} {n[6:]}",
        f"(0{n[:4]}) {n[4:6]} {n[6:]}",
        f"+44 {n[:4]} {n[4:]}",
        f"+44 (0) {n[:4]} {n[4:]}",
        f"+44{n}",
        f"0044 {n[:4]} {n[4:7]} {n[7:]}",
        f"0{n[:4]}-{n[4:7]}-{n[7:]}",
        f"0{n[:4]}.{n[4:7]}.{n[7:]}",
        f"0{n[:4]} {n[4:6]} {n[6:8]} {n[8:]}",
        f"0{n[:4]} {n[4:]} ext {r.randint(10, 999)}",
        f"+44-{n[:2]}-{n[2:6]}-{n[6:]}",
        f"0{n[0]} {n[1:5]} {n[5:]}",
        f"(0{n[:4]}){n[4:]}",
    ]
    return r.choice(layouts)


def _ni_as_typed(r: random.Random, ni: str) -> str:
    layouts = [
        f"{ni[:2]} {ni[2:4]} {ni[4:6]} {ni[6:8]} {ni[8]}",
        ni,
        ni.lower(),
        f"{ni[:2]}-{ni[2:4]}-{ni[4:6]}-{ni[6:8]}-{ni[8]}",
        f"{ni[:2].lower()} {ni[2:8]} {ni[8]}",
        f"{ni[:2]}{ni[2:8]} {ni[8]}",
        f"{ni[:2]} {ni[2:5]} {ni[5:8]} {ni[8]}".lower(),
        f"{ni[0]} {ni[1]} {ni[2:4]} {ni[4:6]} {ni[6:8]} {ni[8]}",
        f"{ni[:2]}.{ni[2:4]}.{ni[4:6]}.{ni[6:8]}.{ni[8]}",
        f"{ni[:2]}.{ni[2:8]}.{ni[8]}".lower(),
        f"{ni[:2]}-{ni[2:8]}",
    ]
    return r.choice(layouts)


def _nhs_as_typed(r: random.Random, nhs: str) -> str:
    layouts = [
        f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}",
        nhs,
        f"{nhs[:3]}-{nhs[3:6]}-{nhs[6:]}",
        f"{nhs[:3]}.{nhs[3:6]}.{nhs[6:]}",
        f"{nhs[:5]} {nhs[5:]}",
        " ".join(nhs),
    ]
    return r.choice(layouts)


def _date_as_typed(r: random.Random, d: dt.date) -> str:
    m = MONTHS[d.month - 1]
    layouts = [
        f"{d.day:02d}/{d.month:02d}/{d.year}",
        f"{d.year}-{d.month:02d}-{d.day:02d}",
        f"{d.day} {m} {d.year}",
        f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}",
        f"{d.day}/{d.month}/{d.year}",
        f"{d.day} {m[:3]} {d.year}",
        f"{d.day:02d}-{m[:3]}-{d.year}",
        f"{d.day}/{d.month}/{d.year % 100:02d}",
        f"{m} {d.day}, {d.year}",
    ]
    return r.choice(layouts)


def _postcode_as_typed(r: random.Random, code: str) -> str:
    outward, inward = code.split(" ")
    area = outward.rstrip("0123456789")
    layouts = [
        code,
        code.lower(),
        code.replace(" ", ""),
        code.replace(" ", "").lower(),
        code.replace(" ", "  "),
        code.title(),
        f"{area} {outward[len(area) :]} {inward}",  # a space after the area: "LU 1 3AB"
        f"{area} {outward[len(area) :]} {inward}".lower(),
    ]
    return r.choice(layouts)


def generate(path: str, rows: int, seed: int = 7) -> dict:
    r = random.Random(seed)
    areas = ["LU1", "LU2", "LU3", "LU4", "LU5", "LU6", "LU7", "SG18", "MK45"]
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    postcodes = sorted(
        {
            f"{r.choice(areas)} {r.randint(0, 9)}{r.choice(letters)}{r.choice(letters)}"
            for _ in range(max(100, rows // 30))
        }
    )
    households = {pc: r.randint(1, 40) for pc in postcodes}
    truth: dict = {"households": households, "notes": [], "service_dates": [], "postcodes": []}
    header = list(TRUTH)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for i in range(rows):
            p = Person(r, i, postcodes)
            contact_kind = r.random()
            if contact_kind < 0.55:
                contact = _phone_as_typed(r, r.choice([p.mobile, p.landline]))
            elif contact_kind < 0.92:
                contact = p.email
            else:
                contact = ""
            address = f"{r.randint(1, 220)} {r.choice(STREETS)}"
            if r.random() < 0.2:
                address = f"Flat {r.randint(1, 30)}, {address}"
            if r.random() < 0.3:
                address += f", {r.choice(LOCALITIES)} {_postcode_as_typed(r, p.postcode)}"
            served = TODAY - dt.timedelta(days=r.randint(0, 900))
            note, ids, names, kept = _case_note(r, p, served)
            other, other_ids, other_names = _other_info(r, p)
            truth["notes"].append((ids + other_ids, names + other_names))
            truth["service_dates"].append(kept)
            truth["postcodes"].append(p.postcode)
            writer.writerow(
                [
                    f"CL-{r.randint(10, 99)}{i:06d}",
                    p.first,
                    p.last,
                    contact,
                    address,
                    _postcode_as_typed(r, p.postcode),
                    _date_as_typed(r, p.born),
                    r.choice(GENDERS),
                    r.choice(ETHNIC_GROUPS),
                    r.choice(WARDS),
                    r.choice(REFERRERS),
                    r.choice([f"£{r.randint(5, 400)}.00", str(r.randint(5, 400)), ""]),
                    served.strftime("%d/%m/%Y"),
                    note,
                    other,
                ]
            )
    return truth


def _case_note(r: random.Random, p: Person, served: dt.date):
    """(note, identifiers typed in it, names in it, text that must be kept)."""
    ids, names = [], []
    parts = []
    relative = r.choice(FORENAMES)
    choice = r.randrange(12)
    if choice == 0:
        phone = r.choice([p.mobile, p.landline])
        parts.append(
            f"Rang client on {_phone_as_typed(r, phone, trunk=False)} - no reply, left vm."
        )
        ids.append(("PHONE", phone))
    elif choice == 1:
        parts.append(f"Client's NI no is {_ni_as_typed(r, p.ni)}, passed to DWP.")
        ids.append(("NI_NUMBER", p.ni[:8]))  # the suffix letter is not always typed
    elif choice == 2:
        parts.append(f"Pt NHS# {_nhs_as_typed(r, p.nhs)} - GP aware.")
        ids.append(("NHS_NUMBER", p.nhs))
    elif choice == 3:
        parts.append(f"Dropped parcel off at {_postcode_as_typed(r, p.postcode)} as arranged")
        ids.append(("POSTCODE", p.postcode))
    elif choice == 4:
        typed = _date_as_typed(r, p.born)
        parts.append(f"{p.first} (DOB {typed}) attended with daughter {relative}.")
        ids.append(("DATE_OF_BIRTH", typed))
        names += [p.first, relative]
    elif choice == 5:
        phone = p.mobile
        parts.append(f"Mum {relative} phoned from {_phone_as_typed(r, phone, False)} re benefits")
        ids.append(("PHONE", phone))
        names.append(relative)
    elif choice == 6:
        parts.append(f"email them at {p.email} with the form")
        ids.append(("EMAIL", p.email))
    elif choice == 7:
        parts.append(f"Spoke with {p.first} re: housing, {p.last} family to be visited.")
        names += [p.first, p.last]
    elif choice == 8:
        child = TODAY - dt.timedelta(days=r.randint(200, 3000))
        typed = _date_as_typed(r, child)
        parts.append(
            r.choice(
                [
                    f"Son {relative} born {typed}, lives with client.",
                    f"Son {relative}, {typed}, lives with client.",
                    f"Youngest is {relative} ({typed}), at nursery.",
                    f"daughter {relative} - {typed} - in year 2",
                    f"{relative} aged {max(1, TODAY.year - child.year)} ({typed}) stays with nan",
                ]
            )
        )
        ids.append(("DATE_OF_BIRTH", typed))
        names.append(relative)
    elif choice == 9:
        parts.append(f"New addr {p.postcode.lower().replace(' ', '')}, d.o.b. confirmed.")
        ids.append(("POSTCODE", p.postcode))
    elif choice == 10:
        parts.append(f"{p.first} {p.last} came in, very upset about the bailiffs")
        names += [p.first, p.last]
    else:
        parts.append("Food parcel collected; no concerns raised")
    # What must survive: an amount, the date of service and a service reference.
    kept = f"£{r.randint(5, 300)}.{r.choice(['00', '50'])} on "
    kept += served.strftime(r.choice(["%d/%m/%Y", "%d.%m.%y", "%d %b %Y"]))
    reference = r.choice([f"ref FB-{r.randint(1000, 99999)}", f"SR-{r.randint(100000, 999999)}"])
    parts.append(f"Paid {kept} ({reference}).")
    return " ".join(parts), ids, names, [kept, reference]


def _other_info(r: random.Random, p: Person):
    x = r.random()
    if x < 0.15:
        phone = p.mobile
        typed = _phone_as_typed(r, phone, trunk=False)
        return f"Prefers contact by text: {typed}", [("PHONE", phone)], []
    if x < 0.25:
        partner = r.choice(FORENAMES)
        return f"Lives with partner {partner}", [], [partner]
    if x < 0.32:
        return f"Alt email {p.email}", [("EMAIL", p.email)], []
    return r.choice(["", "None", "n/a", "Needs interpreter (Polish)", "Wheelchair user"]), [], []


def compact(text: str) -> str:
    return re.sub(r"[\W_]", "", text).upper()


def tokens(text: str) -> list[str]:
    return re.findall(r"[A-Z]+|\d+", text.upper())


def has_tokens(text: str, value: str) -> bool:
    """``value``'s words and numbers, in order, in ``text`` (a date in any spacing: "1/2/20"
    left as "1 2 20", but not the "12 20" inside "02/12/2023")."""
    haystack, needle = tokens(text), tokens(value)
    return any(
        haystack[i : i + len(needle)] == needle for i in range(len(haystack) - len(needle) + 1)
    )


def measure(src: str, out: str, truth: dict, report: dict) -> dict:
    small = {compact(pc) for pc, h in truth["households"].items() if h < THRESHOLD}
    predicted = {(c["name"], t) for c in report["columns"] for t in c["pii_types"]}
    expected = {(name, t) for name, types in TRUTH.items() for t in types}
    hits = predicted & expected
    kept_personal = [
        c["name"] for c in report["columns"] if TRUTH.get(c["name"]) and c["action"] == "keep"
    ]
    leaks: Counter = Counter()
    small_left = kept_total = kept_same = 0
    with open(out, encoding="utf-8", newline="") as fh:
        for row, (ids, names), kept, postcode in zip(
            csv.DictReader(fh),
            truth["notes"],
            truth["service_dates"],
            truth["postcodes"],
            strict=True,
        ):
            text = row.get("Case Notes", "") + " \x00 " + row.get("Other Info", "")
            digits, squashed = re.sub(r"\D", "", text), compact(text)
            for kind, value in ids:
                leaks[kind, "total"] += 1
                if kind in ("PHONE", "NHS_NUMBER"):
                    leaks[kind, "left"] += value in digits
                elif kind == "EMAIL":
                    leaks[kind, "left"] += value in text
                elif kind == "DATE_OF_BIRTH":
                    leaks[kind, "left"] += has_tokens(text, value)
                else:
                    leaks[kind, "left"] += compact(value) in squashed
            words = set(re.findall(r"[\w'’-]+", text))
            for name in names:
                leaks["PERSON_NAME", "total"] += 1
                leaks["PERSON_NAME", "left"] += name in words
            if compact(postcode) in small:
                small_left += compact(postcode) in compact(" ".join(row.values()))
            for piece in kept:
                kept_total += 1
                kept_same += piece in row.get("Case Notes", "")
    return {
        "precision": len(hits) / max(len(predicted), 1),
        "recall": len(hits) / max(len(expected), 1),
        "missed": sorted(expected - predicted),
        "extra": sorted(predicted - expected),
        "personal_columns_kept": kept_personal,
        "leaks": leaks,
        "small_cell_postcodes_left": small_left,
        "amounts_dates_references_kept_pct": 100 * kept_same / max(kept_total, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    run(parser.parse_args().rows)


def run(rows: int) -> None:
    """Generate, scan, redact and print the measures."""
    workdir = Path(tempfile.mkdtemp(prefix="ci-independent-"))
    src, out, households = workdir / "in.csv", workdir / "out.csv", workdir / "households.csv"
    truth = generate(str(src), rows)
    with open(households, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([("postcode", "households"), *truth["households"].items()])
    started = time.perf_counter()
    result = scan(str(src), ScanOptions(households_path=str(households), today=TODAY))
    try:
        redact(result, str(out), b"independent-key")
    finally:
        result.close()
    seconds = time.perf_counter() - started
    m = measure(str(src), str(out), truth, result.report)
    print(
        f"independent data ({rows:,} rows, generator not shared with make bench): "
        f"scanned and redacted in {seconds:.1f} s"
    )
    print(
        f"column precision {100 * m['precision']:.1f}%, recall {100 * m['recall']:.1f}% "
        "(column and type pairs; target >= 98% each)"
    )
    if m["missed"] or m["extra"]:
        print(f"  missed {m['missed']}; extra {m['extra']}")
    print(f"personal columns left as they are: {m['personal_columns_kept'] or 'none'}")
    leaks = m["leaks"]
    print(
        "free text left, per type (left/typed): "
        + "; ".join(
            f"{k} {leaks[k, 'left']:,}/{leaks[k, 'total']:,} "
            f"({100 * leaks[k, 'left'] / max(leaks[k, 'total'], 1):.3f}%)"
            for k in sorted({k for k, _ in leaks})
        )
    )
    print(f"small-cell postcodes left anywhere: {m['small_cell_postcodes_left']}")
    print(
        f"amounts, dates of service and references kept in notes: "
        f"{m['amounts_dates_references_kept_pct']:.2f}%"
    )


if __name__ == "__main__":
    main()
