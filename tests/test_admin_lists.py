"""Every admin list stays usable at any size: pages of a set length, a search box on our own models,
and no form, inline or filter that lists every person or organisation in a select.

These walk every registered ModelAdmin, so a model registered on another branch is checked too.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.db.models import Model
from django.test import RequestFactory

from teams.models import Organisation, User

OUR_APPS = {"cip", "teams", "scoping", "safety", "projects", "landing"}
# Models whose every row would end up in a <select>.
EVERYONE = (User, Organisation)


def _label(model: type[Model]) -> str:
    return model._meta.label


REGISTERED = sorted(admin.site._registry.items(), key=lambda item: _label(item[0]))


@pytest.fixture
def admin_request(db):
    request = RequestFactory().get("/admin/")
    request.user = User(is_staff=True, is_superuser=True, is_active=True)
    return request


def _selects_of_everyone(model_admin, model: type[Model], request) -> list[str]:
    """Foreign keys and many-to-many fields to people or organisations that the admin's form
    (or an inline's) would render as a plain select of every row."""
    problems = []
    owners = [(model_admin, model)] + [
        (inline, inline.model) for inline in model_admin.get_inline_instances(request)
    ]
    for owner, owned in owners:
        editable = set()
        for obj in (None, owned()):  # the add form and the change form
            if not _may_edit(owner, request, obj):
                continue
            fields = (
                flatten_fieldsets(owner.get_fieldsets(request, obj))
                if owner.get_fieldsets(request, obj)
                else owner.get_fields(request, obj)
            )
            editable |= set(fields) - set(owner.get_readonly_fields(request, obj))
        widgets = set(owner.autocomplete_fields) | set(owner.raw_id_fields)
        for field in owned._meta.get_fields():
            relation = field.many_to_one or field.one_to_one or field.many_to_many
            if not relation or field.auto_created or field.related_model not in EVERYONE:
                continue
            if field.name in editable and field.name not in widgets:
                problems.append(
                    f"{type(owner).__name__}.{field.name}: add it to autocomplete_fields "
                    "(or raw_id_fields)"
                )
    return problems


def _may_edit(owner, request, obj) -> bool:
    """Whether the form is shown with fields to fill in at all (a read-only admin shows text)."""
    if isinstance(owner, admin.options.InlineModelAdmin):
        return owner.has_add_permission(request, obj) or owner.has_change_permission(request, obj)
    if obj is None:
        return owner.has_add_permission(request)
    return owner.has_change_permission(request, obj)


def _filters_of_everyone(model_admin, model: type[Model]) -> list[str]:
    problems = []
    for entry in model_admin.list_filter:
        name = entry[0] if isinstance(entry, tuple) else entry
        if not isinstance(name, str):
            continue  # a filter class chooses its own options
        target = model
        for part in name.split("__"):
            field = target._meta.get_field(part)
            if not field.is_relation:
                break
            target = field.related_model
        else:
            if target in EVERYONE:
                problems.append(f"list_filter {name!r} lists every row of {target.__name__}")
    return problems


@pytest.mark.parametrize(
    ("model", "model_admin"), REGISTERED, ids=[_label(model) for model, _ in REGISTERED]
)
def test_every_admin_list_is_paged_and_never_selects_every_person(
    model, model_admin, admin_request
) -> None:
    problems = _selects_of_everyone(model_admin, model, admin_request)
    problems += _filters_of_everyone(model_admin, model)
    if model_admin.list_per_page == admin.ModelAdmin.list_per_page:
        problems.append("set list_per_page (Django's default of 100 rows is slow to render)")
    if model._meta.app_label in OUR_APPS and not model_admin.get_search_fields(admin_request):
        problems.append("set search_fields, so a long list can be searched")
    assert not problems, f"{type(model_admin).__name__} ({_label(model)}):\n  " + "\n  ".join(
        problems
    )


def test_the_check_finds_a_select_of_every_person(admin_request) -> None:
    """The test above fails for an admin that forgets: it would render every user."""
    from teams.models import Membership  # noqa: PLC0415

    class Forgetful(admin.ModelAdmin):
        fields = ["programme", "user", "role"]
        list_filter = ["user__organisation"]

    model_admin = Forgetful(Membership, admin.site)
    assert _selects_of_everyone(model_admin, Membership, admin_request) == [
        "Forgetful.user: add it to autocomplete_fields (or raw_id_fields)"
    ]
    assert _filters_of_everyone(model_admin, Membership) == [
        "list_filter 'user__organisation' lists every row of Organisation"
    ]
