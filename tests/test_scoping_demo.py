"""The scoping demo data: every part of scoping in use in each programme, and idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from scoping.demo import IDEAS, SCOPED
from scoping.models import (
    NEEDED_SESSION_ROLES,
    DataSource,
    EvaluationSummary,
    Idea,
    ScopingSession,
    SessionInvitation,
    SkillNeed,
)
from scoping.queries import core_team_users
from teams.models import Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())


def _counts() -> dict[str, int]:
    models = (Idea, ScopingSession, SessionInvitation, DataSource, SkillNeed, EvaluationSummary)
    return {model.__name__: model.objects.count() for model in models}


def test_running_twice_adds_nothing(seeded) -> None:
    first = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == first


def test_each_programme_has_a_scoped_idea_and_one_mid_scoping(seeded) -> None:
    now = timezone.now()
    for slug, (title, _, _) in IDEAS.items():
        idea = Idea.objects.get(programme__slug=slug, title=title)
        session = idea.scoping_sessions.get()
        assert session.starts_at < now and session.hypotheses and session.prep_existing_work
        roles = set(session.invitations.values_list("role", flat=True))
        assert set(NEEDED_SESSION_ROLES) <= roles
        assert idea.refined_question and idea.proposer is not None
        assert len(set(idea.data_sources.values_list("kind", flat=True))) >= 3
        needs = list(idea.skill_needs.all())
        assert needs and all(n.suggested and n.is_filled for n in needs)
        assert idea.evaluation.is_complete and not idea.evaluation.needs_sharing

        second = Idea.objects.get(programme__slug=slug, title=SCOPED[slug]["second"]["title"])
        assert second.scoping_sessions.get().starts_at > now
        assert any(not need.is_filled for need in second.skill_needs.all())
        assert second.project is not None  # made by the projects app when the idea was saved


def test_the_vcs_owned_sources_still_get_their_demo_upload(seeded) -> None:
    for programme in Programme.objects.all():
        assert DataSource.objects.filter(idea__programme=programme, datasets__isnull=False).exists()


def test_skills_are_filled_as_the_skills_form_allows(seeded) -> None:
    # Someone with an account fills a skill only from the core team; anyone else is named.
    for need in SkillNeed.objects.filter(filled_by__isnull=False).select_related("idea"):
        assert need.filled_by in core_team_users(need.idea.programme), need
