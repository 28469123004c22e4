"""Builders for phase 3 tests: a project under way, solution ideas, insights with tables."""

from __future__ import annotations

from projects import insights
from projects.disclosure import Cell
from projects.models import Insight, InsightTable, Project, ProjectMember, Status
from teams.models import User

FOOD_BANK_TABLE = {  # ward: (stopped visiting, still visiting)
    "Gospel Oak": (41, 88),
    "Frognal": (6, 19),
    "Camden Town": (52, 118),
    "Kilburn": (47, 95),
}


def at(project: Project, status: str) -> Project:
    """Put the project at `status` without a move (arranging a test, not using the lifecycle)."""
    Project.objects.filter(pk=project.pk).update(status=status)
    project.refresh_from_db()
    return project


def draft_insight(
    project: Project, user: User | None = None, title: str = "Who stops visiting"
) -> Insight:
    return insights.insight_save(
        insight=Insight(
            project=project,
            title=title,
            question="Which households stop visiting?",
            summary="A third stop within six months.",
            narrative="Around **one in three** stop.",
            caveats="Paper records.",
            permitted_use="Anyone, for planning.",
            methodology="Counted households.",
        ),
        user=user,
    )


def table_on(
    insight: Insight, user: User | None = None, values: dict | None = None
) -> InsightTable:
    cells = [
        Cell(ward, measure, value)
        for ward, pair in (values or FOOD_BANK_TABLE).items()
        for measure, value in zip(("Stopped visiting", "Still visiting"), pair, strict=True)
    ]
    return insights.table_add(
        insight=insight,
        user=user,
        cells=cells,
        title="Households by ward",
        kind=InsightTable.Kind.COUNT,
        row_title="Ward",
        value_title="Households",
    )


def ready_insight(project: Project) -> Insight:
    insight = project.insights.first() or draft_insight(project)
    if not insight.tables.exists():
        table_on(insight)
    insight.refresh_from_db()
    return insights.insight_mark_ready(insight=insight, user=None, ready=True)


def on_team(project: Project, user: User, role: str = "Analyst") -> ProjectMember:
    return ProjectMember.objects.get_or_create(
        project=project,
        email=user.email,
        defaults={"user": user, "name": str(user), "role": role, "expectations": "Some days"},
    )[0]


UNDER_WAY_OPEN = (Status.SELECTED, Status.EXPLORING, Status.TESTING)


def _tiny_png() -> bytes:
    from io import BytesIO  # noqa: PLC0415

    from PIL import Image  # noqa: PLC0415

    out = BytesIO()
    Image.new("RGB", (4, 3), (29, 112, 184)).save(out, "PNG")
    return out.getvalue()


TINY_PNG = _tiny_png()
