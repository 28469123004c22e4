"""`{% scoping_task_list idea %}`: the idea's scoping steps as a GOV.UK task list, with links to
the pages the person viewing may open. The project page includes it too."""

from __future__ import annotations

from django import template

from scoping.queries import scoping_steps

register = template.Library()


@register.inclusion_tag("scoping/_task_list.html", takes_context=True)
def scoping_task_list(context, idea) -> dict:
    return {"steps": scoping_steps(idea, context["request"].user), "idea": idea}
