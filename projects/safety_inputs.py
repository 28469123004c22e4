"""What the data safety checks (the safety app) need to know about a project's solutions and
insights. Two plain functions for the check pages to call; nothing here decides a check.

- `solution_data_uses(project)`: what the project's solution ideas include (a map, a combined
  data set, indicators of need that could drive automated decisions, obviously personal
  information), to pre-fill the solution-stage check.
- `publication_suppressions(project)`: for the insights about to be published (those marked
  ready, or already published), every cell small-number protection hid, with the rule and the
  threshold, for the pre-publication check.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from projects.models import Insight, Project, SolutionIdea

Use = SolutionIdea.Use


@dataclass(frozen=True)
class SolutionDataUses:
    includes_map: bool
    combined_dataset: bool
    need_indicators: bool
    personal_information: bool
    # Each of the four above -> the titles of the solution ideas that bring it.
    ideas: dict[str, list[str]] = field(default_factory=dict)

    @property
    def any(self) -> bool:
        return any(
            (
                self.includes_map,
                self.combined_dataset,
                self.need_indicators,
                self.personal_information,
            )
        )


def solution_data_uses(project: Project) -> SolutionDataUses:
    """What the project's solution ideas include, for the solution-stage safety check.

    A map: an idea of kind map, or one that says it shows a map. A combined data set: an idea
    that says it shares one, or a data set that would draw on sources held by more than one
    organisation. Indicators of need and obviously personal information: as the ideas say.
    """
    found: dict[str, list[str]] = {
        "includes_map": [],
        "combined_dataset": [],
        "need_indicators": [],
        "personal_information": [],
    }
    for idea in project.solution_ideas.prefetch_related("data_sources"):
        uses = set(idea.uses)
        owners = {s.owner_id or s.name for s in idea.data_sources.all()}
        if idea.kind == SolutionIdea.Kind.MAP or Use.SHOWS_MAP in uses:
            found["includes_map"].append(idea.title)
        if Use.COMBINES_DATA in uses or (
            idea.kind == SolutionIdea.Kind.DATASET and len(owners) > 1
        ):
            found["combined_dataset"].append(idea.title)
        if Use.NEED_INDICATORS in uses:
            found["need_indicators"].append(idea.title)
        if Use.PERSONAL_INFORMATION in uses:
            found["personal_information"].append(idea.title)
    return SolutionDataUses(**{key: bool(titles) for key, titles in found.items()}, ideas=found)


@dataclass(frozen=True)
class Suppression:
    insight: str  # the insight's title
    table: str  # the table's title
    row: str  # area or category ("Total" for a column total)
    column: str  # measure ("Total" for a row total)
    rule: str  # "primary", "dominance" or "secondary"
    threshold: int  # the smallest publishable group when the table was made
    shown_as: str  # "fewer than 10" or "not published"
    interval: tuple[float | str, float | str]  # what a reader could work out: (low, high)
    required: str  # what the interval had to be, in words
    reason: str  # why, in words for the check page

    @property
    def interval_text(self) -> str:
        low, high = (_number(v) for v in self.interval)
        return f"{low} or more" if high == "unbounded" else f"from {low} to {high}"


def _number(value) -> str:
    if isinstance(value, str) or value is None:
        return str(value)
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}"


REASONS = {
    "primary": "a count below the threshold, or an amount from fewer contributors than it",
    "dominance": "one or two contributors make up most of the amount",
    "secondary": "hidden so that another hidden figure cannot be worked out from the totals",
}


def publication_suppressions(project: Project, insights=None) -> list[Suppression]:
    """Every figure hidden in the insights about to be published (or `insights`, if given)."""
    if insights is None:
        insights = Insight.objects.filter(project=project).exclude(
            ready_at__isnull=True, published_at__isnull=True
        )
    out = []
    for insight in insights.prefetch_related("tables"):
        for table in insight.tables.all():
            for cell in table.protection:
                if cell["rule"] == "published":
                    continue
                primary = cell["rule"] == "primary" and table.kind == "count"
                out.append(
                    Suppression(
                        insight=insight.title,
                        table=table.title,
                        row=cell["row"],
                        column=cell["column"],
                        rule=cell["rule"],
                        threshold=table.threshold,
                        shown_as=cell["shown"],
                        interval=(cell["low"], cell["high"]),
                        required=cell["required"],
                        reason=f"a count below {table.threshold}"
                        if primary
                        else REASONS[cell["rule"]],
                    )
                )
    return out
