"""The demo after selection: Camden's insight is published with a chart, a map and a hidden
figure; Central Bedfordshire has a project in testing with feedback still open."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from landing.models import NewsPost
from projects.demo_solutions import BEDFORDSHIRE_PROJECT, CAMDEN_PROJECT
from projects.models import (
    Boundaries,
    FeedbackItem,
    Insight,
    InsightFigure,
    Project,
    SolutionIdea,
    Status,
)


@pytest.fixture
def seeded(db, settings, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):  # as after the command's commits
        call_command("seed_demo", stdout=StringIO())


def test_camden_publishes_an_insight_with_a_chart_a_map_and_a_hidden_figure(seeded, client) -> None:
    project = Project.objects.get(idea__title=CAMDEN_PROJECT)
    # Published, and now reflecting on how it went (projects/demo_reflection.py).
    assert project.status == Status.REFLECTING
    insight = Insight.objects.published().get(project=project)
    kinds = set(insight.figures.values_list("kind", flat=True))
    assert InsightFigure.Kind.MAP in kinds and kinds - {InsightFigure.Kind.MAP}
    hidden = [c for t in insight.tables.all() for c in t.protection if c["rule"] != "published"]
    assert {c["rule"] for c in hidden} >= {"primary", "secondary"}
    assert NewsPost.objects.filter(insight=insight).exists()
    page = client.get(insight.get_public_url()).content.decode()
    assert "fewer than 10" in page and "Synthetic boundaries" in page


def test_central_bedfordshire_is_testing_with_open_feedback(seeded) -> None:
    project = Project.objects.get(idea__title=BEDFORDSHIRE_PROJECT)
    assert project.status == Status.TESTING
    assert project.feedback.filter(state=FeedbackItem.State.OPEN).count() >= 1
    assert project.workshops.exists()


def test_seeding_again_adds_nothing(seeded, django_capture_on_commit_callbacks) -> None:
    models = (Insight, InsightFigure, NewsPost, FeedbackItem, SolutionIdea, Boundaries)
    before = [model.objects.count() for model in models]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    assert [model.objects.count() for model in models] == before
