"""The help panel on each step's pages: `{% step_lessons "scoping" programme project %}`."""

from __future__ import annotations

from django import template

from projects.lessons import HELP_LIMIT, lessons_for_step

register = template.Library()


@register.inclusion_tag("projects/lessons/_help.html", takes_context=True)
def step_lessons(context, step: str, programme, project=None) -> dict:
    """The lessons other projects recorded for `step` (one query), for the person viewing."""
    user = context["request"].user
    found = list(
        lessons_for_step(programme=programme, step=step, user=user, project=project)[:HELP_LIMIT]
    )
    return {
        "lessons": found,
        "programme": programme,
        "can_read": bool(found) and user.has_perm("projects.read_lessons", programme),
    }
