"""The skills a solution idea needs, after the guide's table: what you want the solution to do,
and who you need for it. One table; the team says who on the project team brings each."""

from __future__ import annotations

from collections.abc import Iterable

from projects.models import SolutionIdea, SolutionSkill

Kind, Use = SolutionIdea.Kind, SolutionIdea.Use

SKILLS_BY_KIND: dict[str, tuple[str, ...]] = {
    Kind.INFOGRAPHIC: (SolutionSkill.DESIGNER,),
    Kind.DASHBOARD: (SolutionSkill.DATA_ENGINEER,),
    Kind.MAP: (SolutionSkill.DATA_ENGINEER, SolutionSkill.INFORMATION_RIGHTS),
    Kind.DATASET: (SolutionSkill.INFORMATION_RIGHTS,),
}
SKILLS_BY_USE: dict[str, tuple[str, ...]] = {
    Use.SHOWS_MAP: (SolutionSkill.DATA_ENGINEER, SolutionSkill.INFORMATION_RIGHTS),
    Use.STATISTICAL_CLAIMS: (SolutionSkill.DATA_SCIENTIST,),
    Use.PRIORITISES_SERVICES: (SolutionSkill.ETHICS_AND_LEGAL,),
    Use.NEED_INDICATORS: (SolutionSkill.ETHICS_AND_LEGAL, SolutionSkill.INFORMATION_RIGHTS),
    Use.COMBINES_DATA: (SolutionSkill.INFORMATION_RIGHTS,),
    Use.PERSONAL_INFORMATION: (SolutionSkill.INFORMATION_RIGHTS,),
}


def skills_for(kind: str, uses: Iterable[str]) -> list[str]:
    """The skills a solution of this kind, doing these things, needs (in the choices' order)."""
    needed = set(SKILLS_BY_KIND.get(kind, ()))
    for use in uses:
        needed.update(SKILLS_BY_USE.get(use, ()))
    return [skill for skill in SolutionSkill.values if skill in needed]
