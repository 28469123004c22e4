"""Demo ideas for `manage.py seed_demo`, beside the scoped ones of `scoping.demo`.

Per programme, through the services: a new idea the facilitator asked about and its proposer
answered; a duplicate of it, merged into it; an idea withdrawn with a reason its proposer reads
on "Your ideas"; and the idea the facilitator made from last week's office-hours conversation.
The new idea and the one from office hours are still ideas, so they can go on to scoping.

Safe to run again: each idea is looked up by its title (or booking) first. It sends no email: the
demo's history has nobody to tell, so each email is marked sent before the transaction commits.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from projects.models import Project, ProjectEvent
from projects.services import (
    idea_from_booking,
    idea_merge,
    idea_message_add,
    idea_submit,
    project_transition,
)
from scoping.models import Idea, IdeaMessage
from teams.models import OfficeHourBooking, Programme, User

DEMO = {
    "camden": {
        "facilitator": "facilitator@camden.example",
        "new": {
            "proposer": "partner@foodbank.example",
            "title": "Are families skipping meals to pay for energy?",
            "problem": "More families tell our volunteers they are choosing between heating and "
            "eating, but we only hear it from the ones who come in.",
            "question": "How many households in the borough go without food to pay energy bills, "
            "and in which months?",
            "affected": "Families with young children in private rented homes",
            "decisions": "When to open extra distribution days and where to send energy-advice "
            "volunteers",
            "beliefs": "Prepayment meters: people top up the meter first and the food budget "
            "is what is left.",
        },
        "request": "Thank you. Could you tell us which months you hear this most, and roughly "
        "how many families a week mention it?",
        "reply": "Mostly November to February. In January about forty families a week "
        "mentioned it at the desk.",
        "duplicate": {
            "proposer": "communities@refugee-network.example",
            "title": "Heating or eating: who is going without?",
            "problem": "Refugee families in temporary housing say their energy costs leave "
            "little for food.",
        },
        "withdrawn": {
            "proposer": "partner@foodbank.example",
            "title": "How many volunteers will we need next winter?",
            "problem": "We never know how many volunteers to recruit before the winter rush.",
            "reason": "This is a planning question for the food bank rather than a data "
            "project. We will send you the volunteer-planning toolkit the council's "
            "voluntary-sector team uses instead.",
        },
    },
    "central-bedfordshire": {
        "facilitator": "facilitator@centralbedfordshire.example",
        "new": {
            "proposer": "advisory@mental-health.example",
            "title": "Do young people in villages wait longer for mental-health support?",
            "problem": "Young people from villages reach us later and in more distress than "
            "those from the towns.",
            "question": "How long do young people wait between first asking for help and "
            "getting it, by where they live?",
            "affected": "Young people aged 14 to 25 outside the main towns",
            "decisions": "Where to run outreach clinics and whether to offer online sessions first",
            "beliefs": "Bus routes: a clinic appointment can take a whole school day.",
        },
        "request": "Which services would you compare waiting times with, and do you record "
        "the date someone first contacts you?",
        "reply": "We record first contact in our case system. The school nurses and the NHS "
        "talking-therapies service would be the ones to compare with.",
        "duplicate": {
            "proposer": "lead@advice.example",
            "title": "Rural waiting times for young people's support",
            "problem": "Our advisers hear that young clients give up waiting for support.",
        },
        "withdrawn": {
            "proposer": "lead@advice.example",
            "title": "Could we predict which clients will miss appointments?",
            "problem": "Missed appointments waste adviser time.",
            "reason": "Predicting what individual clients will do is outside what this "
            "programme uses data for. We suggested looking at which appointment times suit "
            "clients across the service instead, which the team can help with at office hours.",
        },
    },
}


def seed_idea_queue(programmes: dict[str, Programme]) -> list[Project]:
    """Add the demo ideas where missing; return every project this module looks after."""
    projects = []
    for slug, spec in DEMO.items():
        if slug in programmes:
            with transaction.atomic():
                projects += _seed_programme(programmes[slug], spec)
                _mark_emailed(projects)
    return projects


def _seed_programme(programme: Programme, spec: dict) -> list[Project]:
    facilitator = User.objects.get(email=spec["facilitator"])
    new = _idea(programme, spec["new"])
    if not new.idea.messages.exists():
        idea_message_add(idea=new.idea, author=facilitator, kind="request", body=spec["request"])
        idea_message_add(idea=new.idea, author=new.idea.proposer, kind="reply", body=spec["reply"])
    duplicate = _idea(programme, spec["duplicate"])
    if duplicate.idea.merged_into_id is None:
        duplicate = idea_merge(idea=duplicate.idea, into=new.idea, user=facilitator)
    withdrawn = _idea(programme, spec["withdrawn"])
    if withdrawn.status == "idea":
        withdrawn = project_transition(
            project=withdrawn,
            user=facilitator,
            action="withdraw",
            reason=spec["withdrawn"]["reason"],
        )
    projects = [new, duplicate, withdrawn]
    booking = (
        OfficeHourBooking.objects.filter(slot__programme=programme, attendance="attended")
        .order_by("slot__starts_at", "pk")
        .first()
    )
    if booking is not None:
        projects.append(idea_from_booking(booking=booking, user=facilitator)[0])
    return projects


def _idea(programme: Programme, spec: dict) -> Project:
    existing = Idea.objects.filter(programme=programme, title=spec["title"]).first()
    if existing is not None:
        return existing.project
    proposer = User.objects.get(email=spec["proposer"])
    fields = {k: v for k, v in spec.items() if k not in ("proposer", "reason")}
    return idea_submit(
        programme=programme,
        submitted_by=proposer,
        proposer=proposer,
        organisation=proposer.organisation,
        **fields,
    )


def _mark_emailed(projects: list[Project]) -> None:
    """Demo history: mark its emails sent, so the tasks queued on commit send nothing."""
    now = timezone.now()
    ideas = [p.idea_id for p in projects]
    ProjectEvent.objects.filter(project__idea__in=ideas, emailed_at=None).update(emailed_at=now)
    IdeaMessage.objects.filter(idea__in=ideas, emailed_at=None).update(emailed_at=now)
