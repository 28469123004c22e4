"""What each programme role does and how much time it usually takes, from the user guide, and how
a role's name reads in a sentence.

Day estimates are per person per project; headcounts say how many people a project usually needs
in the role. Complementary roles are called on as needed, so they carry no estimate.

Role names are sentence case (`Role`'s labels). Pages and emails say them through `role_name`,
`in_sentence` and `with_article` (template filters of the same names, builtins), so that "VCS
member lead" keeps its capitals and "an advisory panel member" gets its article.
"""

from __future__ import annotations

from dataclasses import dataclass

from teams.models import Role


@dataclass(frozen=True)
class Range:
    low: int
    high: int

    def __str__(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low} to {self.high}"

    def __mul__(self, other: Range) -> Range:
        return Range(self.low * other.low, self.high * other.high)


@dataclass(frozen=True)
class RoleGuide:
    role: Role
    summary: str
    days_per_project: Range | None = None
    days_per_week: Range | None = None
    people: Range = Range(1, 1)
    complementary: bool = False

    @property
    def team_days(self) -> Range | None:
        """Days the whole role needs across a project: per-person days times headcount."""
        return self.days_per_project * self.people if self.days_per_project else None


GUIDES = {
    guide.role: guide
    for guide in [
        RoleGuide(
            Role.FACILITATOR,
            "Independent of the council and the VCS. Knows what data can do and how agile teams "
            "work; translates between groups, connects people and spots opportunities.",
            days_per_project=Range(18, 25),
            days_per_week=Range(2, 3),
        ),
        RoleGuide(
            Role.DELIVERY_LEAD,
            "A council colleague who coordinates delivery so projects finish on time and meet "
            "what was asked of them.",
            days_per_project=Range(15, 20),
            days_per_week=Range(1, 2),
        ),
        RoleGuide(
            Role.DATA_ANALYST,
            "Council and partner staff who find, prepare and analyse the data: at least one "
            "analyst, with engineers and data processors where needed.",
            days_per_project=Range(6, 12),
            people=Range(2, 4),
        ),
        RoleGuide(
            Role.VCS_MEMBER_LEAD,
            "Organisations that lead a project from the community side: they shape the work and "
            "are able to act on what it finds.",
            days_per_project=Range(5, 10),
            people=Range(2, 3),
        ),
        RoleGuide(
            Role.COMMUNITIES_REPRESENTATIVE,
            "A council community partner who opens doors to VCS or council experts when the "
            "project needs them.",
            days_per_project=Range(3, 6),
        ),
        RoleGuide(
            Role.ADVISORY_PANEL,
            "VCS and data people with specialist knowledge for a given project, such as a social "
            "worker or someone who reports domestic abuse data.",
            days_per_project=Range(3, 6),
            people=Range(6, 12),
        ),
        RoleGuide(
            Role.CONTRACTS_AND_LEGAL,
            "Know which data-sharing agreements and contracts already exist between the "
            "organisations involved. Sometimes the same people as the information-rights "
            "reviewers.",
            complementary=True,
        ),
        RoleGuide(
            Role.INFORMATION_RIGHTS,
            "Check, from start to finish, that the way data is shared and used is lawful and "
            "ethical. They sign off data safety checks.",
            complementary=True,
        ),
        RoleGuide(
            Role.EXTERNAL_DATA_SPECIALIST,
            "Extra data skills a particular project needs, depending on its data and the kind "
            "of solution it builds.",
            complementary=True,
        ),
    ]
}
assert set(GUIDES) == set(Role), "Every role needs a guide entry"


@dataclass
class RoleSummary:
    """One role on a programme's team: who holds it and how their days compare with the guide."""

    guide: RoleGuide
    members: list  # active Membership rows, with users loaded

    @property
    def committed_days(self) -> int:
        return sum(member.committed_days or 0 for member in self.members)

    @property
    def status(self) -> str:
        if not self.members:
            return "As needed" if self.guide.complementary else "Empty"
        estimate = self.guide.team_days
        if estimate is None:
            return "Filled"
        if self.committed_days < estimate.low:
            return "Below estimate"
        if self.committed_days > estimate.high:
            return "Above estimate"
        return "Within estimate"


@dataclass
class TeamSummary:
    roles: list[RoleSummary]

    @property
    def core(self) -> list[RoleSummary]:
        return [summary for summary in self.roles if not summary.guide.complementary]

    @property
    def complementary(self) -> list[RoleSummary]:
        return [summary for summary in self.roles if summary.guide.complementary]

    @property
    def empty_core_roles(self) -> list[RoleSummary]:
        return [summary for summary in self.core if not summary.members]

    @property
    def committed_days(self) -> int:
        return sum(summary.committed_days for summary in self.core)

    @property
    def estimate(self) -> Range:
        ranges = [summary.guide.team_days for summary in self.core if summary.guide.team_days]
        return Range(sum(r.low for r in ranges), sum(r.high for r in ranges))


def summarise_team(memberships) -> TeamSummary:
    """Group active memberships by role, in the guide's order, including empty roles."""
    by_role: dict[str, list] = {role.value: [] for role in Role}
    for membership in memberships:
        by_role[membership.role].append(membership)
    return TeamSummary(
        [RoleSummary(GUIDES[Role(value)], members) for value, members in by_role.items()]
    )


# --- Role names in sentences ---------------------------------------------------------------------

# Letters whose spoken name starts with a vowel sound: "an NHS trust", "a VCS member lead".
_VOWEL_SOUND_LETTERS = frozenset("AEFHILMNORSX")


def _is_acronym(word: str) -> bool:
    return len(word) > 1 and word.isupper()


def in_sentence(label: str) -> str:
    """A sentence-case name as it reads inside a sentence: "Delivery lead" becomes "delivery
    lead"; a name starting with an acronym ("VCS member lead") keeps it."""
    label = str(label)
    if _is_acronym(label.split(" ", 1)[0]):
        return label
    return label[:1].lower() + label[1:]


def with_article(phrase: str) -> str:
    """ "a" or "an" before `phrase`, by how its first word sounds."""
    phrase = str(phrase)
    first = phrase.split(" ", 1)[0]
    if _is_acronym(first):
        vowel_sound = first[0] in _VOWEL_SOUND_LETTERS
    else:
        vowel_sound = first[:1].lower() in "aeiou"
    return f"{'an' if vowel_sound else 'a'} {phrase}"


def role_name(role: str) -> str:
    """The role's name, as a heading or a table shows it: "VCS member lead"."""
    return str(Role(role).label)


def a_role(role: str) -> str:
    """The role inside a sentence with its article: "an advisory panel member"."""
    return with_article(in_sentence(role_name(role)))
