"""The retrospective board: cards in three columns that the project's people add, change and
remove, and that the facilitator merges and marks as actions."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch

from projects.models import Project, RetroCard


def board(project: Project) -> list[tuple[str, str, list[RetroCard]]]:
    """The board's columns, each (value, heading, cards), with merged cards under the card they
    were merged into. Two queries whatever the number of cards."""
    cards = (
        project.retro_cards.filter(merged_into=None)
        .select_related("author")
        .prefetch_related(Prefetch("merged", queryset=RetroCard.objects.select_related("author")))
    )
    by_column: dict[str, list[RetroCard]] = {value: [] for value in RetroCard.Column.values}
    for card in cards:
        by_column[card.column].append(card)
    return [(value, label, by_column[value]) for value, label in RetroCard.Column.choices]


@transaction.atomic
def card_merge(*, card: RetroCard, into: RetroCard) -> RetroCard:
    """Show `card` (and whatever was merged into it) under `into`, a card on the same board; an
    action mark carries over."""
    if card.pk == into.pk or card.project_id != into.project_id or into.merged_into_id:
        raise ValueError("Merge a card into another card on the same board")
    RetroCard.objects.filter(merged_into=card).update(merged_into=into)
    card.merged_into = into
    card.save(update_fields=["merged_into"])
    if card.is_action and not into.is_action:
        into.is_action = True
        into.save(update_fields=["is_action"])
    return into


def card_mark_action(*, card: RetroCard, is_action: bool) -> None:
    card.is_action = is_action
    card.save(update_fields=["is_action"])


@transaction.atomic
def card_delete(*, card: RetroCard) -> None:
    """Remove a card; cards merged into it go back on the board."""
    RetroCard.objects.filter(merged_into=card).update(merged_into=None)
    card.delete()
