"""What is waiting for each person: apps register providers, the dashboard lists their tasks.

A provider yields `Task`s, or a `TaskGroup` for tasks of one kind that can be many (candidates to
score, files to upload): the dashboard counts a group and builds only its first few tasks, with a
link to all of them a page at a time. Tasks that name the same `group` are shown together too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.text import slugify

# Tasks of one kind shown on the dashboard; the rest are on the group's own page.
SHOWN = 5


@dataclass(frozen=True)
class Task:
    """One thing a person should do next, linking to where they do it."""

    title: str
    url: str
    hint: str = ""
    status: str = "To do"
    group: str = ""  # tasks with the same group are shown together, under this heading


@dataclass(frozen=True)
class TaskGroup:
    """Tasks of one kind, read from `items` only as far as they are shown."""

    title: str
    items: QuerySet | Sequence
    task: Callable[[Any], Task]
    see_all: str = ""  # a page that lists them, instead of the group's page on the dashboard


@dataclass
class ShownGroup:
    """A group as the dashboard shows it: its first tasks, how many, and where the rest are."""

    title: str
    count: int
    tasks: list[Task]
    see_all: str = ""

    @property
    def more(self) -> bool:
        return self.count > len(self.tasks)


Provider = Callable[[HttpRequest], Iterable[Task | TaskGroup]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    _providers.append(provider)
    return provider


def _gathered(request: HttpRequest) -> list[Task | TaskGroup]:
    return [item for provider in _providers for item in provider(request)]


def tasks_for(request: HttpRequest) -> list[Task]:
    """Every task waiting for the person, groups spelled out (for tests and small lists)."""
    tasks: list[Task] = []
    for item in _gathered(request):
        tasks += [item.task(x) for x in item.items] if isinstance(item, TaskGroup) else [item]
    return tasks


def groups_for(request: HttpRequest, *, shown: int = SHOWN) -> list[ShownGroup]:
    """The dashboard's list: tasks without a group one by one, each group with its count and
    first `shown` tasks. Empty groups are left out. Two queries per `TaskGroup`."""
    groups: dict[str, ShownGroup] = {}
    untitled = 0
    for item in _gathered(request):
        if isinstance(item, TaskGroup):
            count = item.items.count() if isinstance(item.items, QuerySet) else len(item.items)
            if count:
                tasks = [item.task(x) for x in item.items[:shown]]
                groups[item.title] = ShownGroup(item.title, count, tasks, item.see_all)
        elif item.group:
            group = groups.setdefault(item.group, ShownGroup(item.group, 0, []))
            group.count += 1
            if len(group.tasks) < shown:
                group.tasks.append(item)
        else:  # one list for tasks in a row without a group
            last = next(reversed(groups.values()), None)
            if last is None or last.title:
                untitled += 1
                last = groups[f"\0{untitled}"] = ShownGroup("", 0, [])
            last.count += 1
            last.tasks.append(item)
    for group in groups.values():
        if group.title and not group.see_all:
            group.see_all = reverse("dashboard_tasks", args=[slugify(group.title)])
    return list(groups.values())


def group_for(request: HttpRequest, slug: str) -> TaskGroup | None:
    """All the tasks of the group whose title slugifies to `slug`, or None."""
    tasks: list[Task] = []
    for item in _gathered(request):
        if isinstance(item, TaskGroup) and slugify(item.title) == slug:
            return item
        if isinstance(item, Task) and item.group and slugify(item.group) == slug:
            tasks.append(item)
    return TaskGroup(tasks[0].group, tasks, task=lambda task: task) if tasks else None


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
