"""What happens after a lifecycle move commits. The table in `projects.lifecycle` names these;
each takes the ProjectEvent's id and queues the work."""

from __future__ import annotations


def tell_proposer(event_id: int) -> None:
    """Email the idea's proposer that their idea has moved, with the reason given."""
    from projects.tasks import email_proposer_about_move  # noqa: PLC0415 (tasks import services)

    email_proposer_about_move.delay(event_id)


def publish_insights(event) -> None:
    """Inside the publish move's transaction: the project's insights marked ready go public, at
    the moment of the move."""
    from projects.models import Insight  # noqa: PLC0415 (lifecycle imports this module early)

    Insight.objects.filter(
        project_id=event.project_id, ready_at__isnull=False, published_at__isnull=True
    ).update(published_at=event.at)


def announce_insights(event_id: int) -> None:
    """After the move commits: tell whoever listens (the public site's news feed and update
    emails) that the project's insights are out. Receivers must be safe to call twice."""
    from projects.signals import insights_published  # noqa: PLC0415

    insights_published.send(sender="projects", event_id=event_id)


def open_reflection_survey(event) -> None:
    """Inside the start-reflecting move's transaction: the reflections survey opens and
    everyone involved is invited (emailed after commit)."""
    from projects.reflection import survey_open  # noqa: PLC0415

    survey_open(project=event.project, user=event.actor)


def close_reflection_survey(event) -> None:
    """Inside the close move's transaction: no more answers, and no more reminders."""
    from projects.models import ReflectionSurvey  # noqa: PLC0415

    ReflectionSurvey.objects.filter(project_id=event.project_id, closed_at__isnull=True).update(
        closed_at=event.at
    )
