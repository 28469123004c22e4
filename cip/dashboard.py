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


# "Your teams and roles": each app lists the teams a person is on (programme core teams, project
# teams) with their role there.
@dataclass(frozen=True)
class TeamRole:
    team: str
    role: str
    url: str = ""  # where the team's page is, for people who may open it


TeamRoleProvider = Callable[[HttpRequest], Iterable[TeamRole]]
_team_role_providers: list[TeamRoleProvider] = []


def register_team_roles(provider: TeamRoleProvider) -> TeamRoleProvider:
    _team_role_providers.append(provider)
    return provider


def team_roles_for(request: HttpRequest) -> list[TeamRole]:
    return [role for provider in _team_role_providers for role in provider(request)]
