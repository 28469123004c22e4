"""Builders for scoping tests: an idea on a programme, a session, skills and an evaluation."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from scoping.models import (
    DataSource,
    EvaluationSummary,
    Idea,
    ScopingSession,
    SessionInvitation,
    SkillNeed,
)
from teams.models import Programme, User


def idea_on(programme: Programme, *, proposer: User | None = None) -> Idea:
    """Programme's idea (the one tests/dataset_helpers.py's data source belongs to)."""
    idea, _ = Idea.objects.get_or_create(programme=programme, title="Who stops visiting?")
    if proposer is not None and idea.proposer_id != proposer.pk:
        idea.proposer = proposer
        idea.save(update_fields=["proposer"])
    return idea


def session_for(idea: Idea, *, days: int = 7, invite: dict[User, str] | None = None):
    """The idea's first session (made `days` from now if none), with `invite` {user: role}."""
    session = idea.scoping_sessions.first() or ScopingSession.objects.create(
        idea=idea,
        starts_at=timezone.now() + timedelta(days=days),
        location="Riverside Library, Room 2",
    )
    for user, role in (invite or {}).items():
        SessionInvitation.objects.get_or_create(session=session, user=user, role=role)
    return session


def source_on(idea: Idea, name: str = "Visits spreadsheet", **fields) -> DataSource:
    fields.setdefault("kind", DataSource.Kind.INFORMAL_TOOL)
    return DataSource.objects.create(idea=idea, name=name, **fields)


def skill_on(idea: Idea, skill: str = "other", **fields) -> SkillNeed:
    return SkillNeed.objects.create(idea=idea, skill=skill, **fields)


def complete_evaluation(idea: Idea) -> EvaluationSummary:
    return EvaluationSummary.objects.get_or_create(
        idea=idea,
        defaults={
            "existing_work": "A survey last year.",
            "people_and_skills": "A data engineer.",
            "data_safety": "Names in the notes column.",
        },
    )[0]


def calendar_of(message, method: str = "REQUEST") -> dict[str, str]:
    """The unfolded properties of an email's text/calendar attachment."""
    for part in message.message().walk():
        if part.get_content_type() == "text/calendar":
            text = part.get_payload(decode=True).decode()
            assert part.get_param("method") == method
            assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
            properties: dict[str, str] = {}
            for line in re.sub(r"\r\n[ \t]", "", text).split("\r\n"):
                if line:
                    name, _, value = line.partition(":")
                    properties.setdefault(name.split(";")[0], value)
            return properties
    raise AssertionError("no calendar attached")
