"""The evidence pack: what a data protection officer asks for about one project, in one place.

`pack(idea)` gathers it; the page and the PDF render the same template
(`safety/_evidence_pack_body.html`), so they say the same thing. Nothing in it is a data value:
column names, counts, decisions, dates and who read what.
"""

from __future__ import annotations

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from safety.models import Dataset, DatasetAccess, SafetyCheck, SharingAgreement
from safety.questions import answered
from scoping.models import Idea


def _checks(idea: Idea) -> list[dict]:
    checks = (
        SafetyCheck.objects.filter(idea=idea)
        .select_related("data_source", "author", "signed_off_by")
        .prefetch_related("analysts", "conditions__owner", "conditions__resolved_by")
        .order_by("stage", "data_source__name", "version")
    )
    order = {"evaluation": 0, "solution": 1, "pre_publication": 2}
    return [
        {
            "check": check,
            "answers": answered(check.stage, check.answers),
            "analysts": list(check.analysts.all()),
            "conditions": list(check.conditions.all()),
        }
        for check in sorted(checks, key=lambda c: (order[c.stage], c.data_source_id or 0))
    ]


def _datasets(idea: Idea) -> list[dict]:
    datasets = (
        Dataset.objects.filter(data_source__idea=idea)
        .select_related("data_source", "owner", "remedies_confirmed_by")
        .prefetch_related("findings")
        .order_by("data_source__name", "created_at")
    )
    return [
        {
            "dataset": dataset,
            "personal_columns": sum(1 for f in dataset.findings.all() if f.pii_types),
            "small_cells": sum(cell.get("count", 0) for cell in dataset.small_cells),
            "remedies": [f for f in dataset.findings.all() if f.pii_types or f.chosen_action],
        }
        for dataset in datasets
    ]


def _access_summary(idea: Idea, agreements) -> list[dict]:
    """Who read or decided what, how often, first and last (not each row)."""
    entries = DatasetAccess.objects.filter(
        Q(dataset__data_source__idea=idea)
        | Q(safety_check__idea=idea)
        | Q(agreement__in=[a.pk for a in agreements])
    )
    rows = (
        entries.values("user__display_name", "user__email", "what")
        .annotate(times=Count("pk"), first=Min("at"), last=Max("at"))
        .order_by("what", "user__display_name", "user__email")
    )
    labels = dict(DatasetAccess.What.choices)
    return [
        {
            "who": row["user__display_name"] or row["user__email"] or "The system",
            "what": labels.get(row["what"], row["what"]),
            "times": row["times"],
            "first": row["first"],
            "last": row["last"],
        }
        for row in rows
    ]


def pack(idea: Idea) -> dict:
    agreements = list(
        SharingAgreement.objects.filter(data_sources__idea=idea)
        .distinct()
        .prefetch_related("parties", "data_sources")
        .order_by("title")
    )
    return {
        "idea": idea,
        "programme": idea.programme,
        "generated_at": timezone.now(),
        "checks": _checks(idea),
        "agreements": agreements,
        "datasets": _datasets(idea),
        "access_summary": _access_summary(idea, agreements),
    }
