"""Name knowledge: shipped name lists, the file's own names, and words that are not names."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data")

TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "master"})

# Organisations, services, places and street words: a capitalised run containing one is not a name.
ORG_PLACE = frozenset(
    """
    council uk advice citizens trust nhs hospital surgery clinic centre center service
    services team group association foundation society network project partnership charity
    bank foodbank club school college university academy nursery church mosque temple gurdwara
    synagogue housing ltd limited plc cic mind age street road avenue lane close drive way
    court crescent place gardens grove terrace square mews row walk rise parade estate house
    town ward park green hill heath common borough london camden bedfordshire county city
    village station library hall office department dwp hmrc jobcentre plus universal credit
    police fire ambulance trussell shelter samaritans mencap scope barnardo's barnardos
    refuge carers care home homes board committee unit benefit benefits allowance payment
    scheme fund grant programme program pip esa jsa food energy water gas electric
    electricity british gas octopus edf thames hmcts court
    """.split()  # noqa: SIM905
)

STREET_SUFFIXES = frozenset(
    """
    street st road rd avenue ave lane ln close drive dr way court ct crescent place pl
    gardens gdns grove terrace square sq mews row walk rise parade hill park green view end
    vale
    """.split()  # noqa: SIM905
)

MONTHS = frozenset(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    """.split()  # noqa: SIM905
)

# Common words that also appear in name lists, or that start sentences in case notes.
STOP_WORDS = (
    frozenset(
        """
    a an the and or but if then so as at by for from in into of on onto to up with i me my
    we us our you your he him his she her hers they them their it its this that these those
    there here who whom whose what which when where why how all any both each few more most
    other some such no nor not only own same than too very can will just should now also
    still yet again today yesterday tomorrow tonight morning afternoon evening week weekend
    month year monday tuesday wednesday thursday friday saturday sunday christmas easter eid
    diwali ramadan hanukkah new years day days client clients resident residents customer
    tenant patient family household person people mum dad mother father son daughter sister
    brother aunt aunty auntie uncle nan gran partner husband wife child children baby friend
    neighbour carer worker officer manager staff called call calls spoke speak speaking
    talked visited visit met phoned rang emailed texted discussed agreed referred referral
    needs need needed says said told asked advised explained confirmed reported noted plan
    plans action actions follow followed update updated review reviewed assessment assessed
    support supported help helped contact contacted please thanks note notes case cases
    issue issues concern concerns risk risks safeguarding english british irish welsh
    scottish european african asian caribbean indian pakistani bangladeshi chinese polish
    romanian somali turkish arabic muslim christian hindu sikh jewish yes ok okay good great
    mixed roma gypsy traveller travellers arab background heritage multiple ethnic ethnicity
    group groups any latin american
    well bad fine sure maybe will may june april august mark bill sue rose hope joy faith
    grace summer autumn winter spring dawn sky river brook sunny major royal page hall wood
    woods hill green brown white black grey gray young long short little love best church
    street lane field park house bank bell bush cash close cook day dean duke fair fox hunt
    king lord mason miles moss north south east west rich rice sharp small stone strong
    swift wall ward wells wise worth young council care home service food advice mind age
    help team online phone email letter text rent arrears debt debts money bills bill
    benefit benefits income job work school college doctor nurse gp police court
    """.split()  # noqa: SIM905
    )
    | MONTHS
)
# Words that are never the start of a name even after "spoke to" and similar.
HARD_STOP = frozenset(
    """
    the a an he she they it we i you him her them his their this that these those there here
    who what which when where why how someone somebody everyone anyone nobody no yes
    """.split()  # noqa: SIM905
)


def _load(name: str) -> frozenset[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


@lru_cache(maxsize=1)
def shipped_names() -> tuple[frozenset[str], frozenset[str]]:
    """(first names, last names), lower-cased."""
    return _load("first_names.txt"), _load("last_names.txt")


class NameIndex:
    """Everything the detectors know about names; ``file_names`` grows as name columns are read."""

    def __init__(self) -> None:
        self.first, self.last = shipped_names()
        self.file_names: set[str] = set()
        # Labels of the file's ward, area and organisation columns ("gospel oak"): not names.
        self.places: set[str] = set()

    def add_file_names(self, values) -> None:
        """Learn tokens from a name column ('Grace Smith') so notes naming them are caught."""
        # One split of all the values joined (a space never joins two tokens), then each
        # distinct token once: the same tokens as splitting value by value.
        tokens = set(" ".join(values).replace(",", " ").split())
        for token in tokens:
            low = token.strip(".'’").lower()
            if len(low) > 1 and low not in HARD_STOP and low not in TITLES:
                self.file_names.add(low)

    def add_places(self, values) -> None:
        """Learn a column's labels (wards, organisations) so notes mentioning them keep them."""
        for value in set(values):
            low = " ".join(value.split()).lower()
            if low and not low.replace(" ", "").isdigit():
                self.places.add(low)

    def is_known(self, low: str) -> bool:
        return low in self.file_names or low in self.first or low in self.last

    def is_name_token(self, low: str) -> bool:
        """A token that is a name on its own (not also a common word)."""
        return low in self.file_names or (
            (low in self.first or low in self.last) and low not in STOP_WORDS
        )
