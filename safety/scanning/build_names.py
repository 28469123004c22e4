"""Rebuild the shipped name lists from Faker's person providers (a development-time script).

Run ``python -m safety.scanning.build_names`` with the test extras installed. Faker is MIT licensed
(Copyright (c) 2012 Daniele Faraglia); its lists come from public statistics (ONS and NISRA
baby-name and surname tables, the US Social Security Administration and Census Bureau, and similar
national sources per locale). See ``data/NAMES_NOTICE.md``. Only Latin-script names are kept, so the
free-text finder can match them in English case notes.
"""

import importlib
import re
from pathlib import Path

LOCALES = [
    "en_GB",
    "en_IE",
    "ga_IE",
    "en_US",
    "en_IN",
    "en_PK",
    "en_NG",
    "en_KE",
    "yo_NG",
    "ig_NG",
    "ha_NG",
    "tw_GH",
    "zu_ZA",
    "sw",
    "pl_PL",
    "ro_RO",
    "lt_LT",
    "lv_LV",
    "pt_PT",
    "pt_BR",
    "es_ES",
    "it_IT",
    "fr_FR",
    "de_DE",
    "nl_NL",
    "tr_TR",
    "vi_VN",
    "id_ID",
    "sk_SK",
    "cs_CZ",
    "hu_HU",
    "hr_HR",
    "sl_SI",
    "et_EE",
    "fi_FI",
    "sv_SE",
    "da_DK",
    "no_NO",
    "az_AZ",
    "uz_UZ",
]
TOKEN = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿĀ-ž'’-]{2,}$")
DATA = Path(__file__).with_name("data")


def _names(provider, attrs):
    out = set()
    for attr in attrs:
        values = getattr(provider, attr, None) or ()
        for value in values:  # tuples, lists and OrderedDicts of name -> weight
            for token in str(value).split():
                if TOKEN.match(token):
                    out.add(token)
    return out


def main() -> None:
    first, last = set(), set()
    for locale in LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        first |= _names(provider, ["first_names", "first_names_male", "first_names_female"])
        last |= _names(provider, ["last_names", "last_names_male", "last_names_female"])
    (DATA / "first_names.txt").write_text("\n".join(sorted(first)) + "\n", encoding="utf-8")
    (DATA / "last_names.txt").write_text("\n".join(sorted(last)) + "\n", encoding="utf-8")
    print(f"{len(first)} first names, {len(last)} last names")


if __name__ == "__main__":
    main()
