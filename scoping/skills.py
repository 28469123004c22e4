"""Which skills a project needs, read from the kinds of data it means to use.

One table, after the guide's: each kind of source, and who holds the source, brings skills the
core team may not have. The team starts from these suggestions and edits the list.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from scoping.models import DataSource, Skill
from teams.models import Organisation

Kind = DataSource.Kind

# What working with each kind of data takes.
SKILLS_BY_KIND: dict[str, tuple[str, ...]] = {
    # Large public sources (open data, social media) have to be mined.
    Kind.OPEN_DATA: (Skill.DATA_MINING,),
    # Official and informal systems need someone who knows the data, and someone to extract it.
    Kind.DIGITAL_SYSTEM: (Skill.KNOWS_THE_DATA, Skill.SYSTEM_ADMIN),
    Kind.INFORMAL_TOOL: (Skill.KNOWS_THE_DATA, Skill.SYSTEM_ADMIN),
    # Paper, sparse or free-text records have to be cleaned into something countable.
    Kind.PAPER: (Skill.DATA_CLEANING,),
    # New data needs its collection designing first; interviews also leave free text to clean.
    Kind.NEW_COLLECTION: (Skill.COLLECTION_DESIGN,),
    Kind.QUALITATIVE: (Skill.COLLECTION_DESIGN, Skill.DATA_CLEANING),
    # Another internal team's data: someone who knows it, and the experts who use it.
    Kind.OTHER_TEAMS: (Skill.KNOWS_THE_DATA, Skill.SUBJECT_EXPERT),
}
# Data a council or a VCS organisation holds needs the people who work with it to explain it.
INTERNAL_OWNER_KINDS = frozenset({Organisation.Kind.COUNCIL, Organisation.Kind.VCS})


@dataclass
class Suggestion:
    """A suggested skill and the data sources that call for it."""

    skill: str
    sources: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return Skill(self.skill).label

    @property
    def reason(self) -> str:
        return "Suggested for " + ", ".join(self.sources)


def skills_for(source: DataSource, core_team_organisation_ids: Collection[int]) -> list[str]:
    """The skills one data source calls for, in the order of the Skill choices."""
    needed = set(SKILLS_BY_KIND.get(source.kind, ()))
    owner = source.owner
    if owner is not None and owner.kind in INTERNAL_OWNER_KINDS:
        needed.add(Skill.SUBJECT_EXPERT)
    # Public data, or data held outside the core team, needs someone who follows the research.
    if source.kind == Kind.OPEN_DATA or (
        owner is not None and owner.pk not in core_team_organisation_ids
    ):
        needed.add(Skill.RESEARCHER)
    return [skill for skill in Skill.values if skill in needed]


def suggest_skills(
    sources: Iterable[DataSource], core_team_organisation_ids: Collection[int]
) -> list[Suggestion]:
    """Suggestions for a set of data sources: each skill once, naming the sources behind it."""
    found: dict[str, Suggestion] = {}
    for source in sources:
        for skill in skills_for(source, core_team_organisation_ids):
            found.setdefault(skill, Suggestion(skill)).sources.append(source.name)
    return [found[skill] for skill in Skill.values if skill in found]
