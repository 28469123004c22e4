"""What is waiting for each person: apps register providers, the dashboard lists their tasks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Task:
    """One thing a person should do next, linking to where they do it."""

    title: str
    url: str
    hint: str = ""
    status: str = "To do"


Provider = Callable[[HttpRequest], Iterable[Task]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    _providers.append(provider)
    return provider


def tasks_for(request: HttpRequest) -> list[Task]:
    return [task for provider in _providers for task in provider(request)]
