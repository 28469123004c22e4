"""Demo ideas and data sources for `manage.py seed_demo`: one idea per programme, with a data
source owned by a VCS partner (so its people can upload) and one owned by the council."""

from __future__ import annotations

from scoping.models import DataSource, Idea
from teams.models import Organisation, Programme

IDEAS = {
    "camden": (
        "Who stops coming to the food bank, and why?",
        "Northgate Community Food Bank",
        "Food bank visits export",
    ),
    "central-bedfordshire": (
        "Which villages miss out on debt advice?",
        "Ivel Valley Advice Service",
        "Advice case records",
    ),
}


def seed_ideas(programmes: dict[str, Programme]) -> list[DataSource]:
    """Add an idea and its data sources per programme if missing; return the VCS-owned sources."""
    sources = []
    for slug, programme in programmes.items():
        if slug not in IDEAS:
            continue
        title, owner_name, source_name = IDEAS[slug]
        owner = Organisation.objects.filter(name=owner_name).first()
        idea, _ = Idea.objects.get_or_create(
            programme=programme,
            title=title,
            defaults={
                "problem": "A question a partner brought to office hours.",
                "proposing_organisation": owner,
            },
        )
        source, _ = DataSource.objects.get_or_create(
            idea=idea,
            name=source_name,
            defaults={"kind": DataSource.Kind.INFORMAL_TOOL, "owner": owner},
        )
        lead = programme.lead_organisation
        DataSource.objects.get_or_create(
            idea=idea,
            name="Council case-management extract",
            defaults={"kind": DataSource.Kind.DIGITAL_SYSTEM, "owner": lead},
        )
        sources.append(source)
    return sources
