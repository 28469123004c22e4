"""The permission helpers every view uses: `requires` and `get_for_user`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rules
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from cip.access import get_for_user, requires
from teams.models import Programme
from tests.factories import ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def perms():
    """Throwaway permissions: 'see' a programme named Visible, 'touch' one named Editable."""
    rules.add_perm("tests.see", rules.predicate(lambda user, obj: obj.name.startswith(("V", "E"))))
    rules.add_perm("tests.touch", rules.predicate(lambda user, obj: obj.name == "Editable"))
    rules.add_perm("tests.signed_in", rules.is_authenticated)
    yield
    for name in ("tests.see", "tests.touch", "tests.signed_in"):
        rules.remove_perm(name)


def _request(user=None, path="/somewhere/?page=2"):
    request = RequestFactory().get(path)
    request.user = user or AnonymousUser()
    return request


@requires("tests.signed_in")
def _view(request) -> HttpResponse:
    return HttpResponse("done")


def test_requires_lets_people_with_the_permission_through(perms) -> None:
    response = _view(_request(UserFactory()))

    assert response.status_code == 200
    assert response.content == b"done"


def test_requires_sends_anonymous_visitors_to_sign_in_and_back(perms) -> None:
    response = _view(_request())

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/somewhere/%3Fpage%3D2"


def test_requires_refuses_signed_in_people_without_the_permission(perms) -> None:
    @requires("tests.never")
    def view(request) -> HttpResponse:
        raise AssertionError("must not run")

    with pytest.raises(PermissionDenied):
        view(_request(UserFactory()))


def test_requires_records_the_permission_it_asks() -> None:
    assert _view.required_permission == "tests.signed_in"
    assert _view.__name__ == "_view"


def test_get_for_user_returns_the_object_when_allowed(perms) -> None:
    programme = ProgrammeFactory(name="Editable")

    found = get_for_user(
        _request(UserFactory()),
        Programme,
        view_perm="tests.see",
        perm="tests.touch",
        pk=programme.pk,
    )

    assert found == programme


def test_get_for_user_hides_objects_the_user_may_not_see(perms) -> None:
    hidden = ProgrammeFactory(name="Hidden")

    with pytest.raises(Http404):
        get_for_user(
            _request(UserFactory()),
            Programme,
            view_perm="tests.see",
            perm="tests.see",
            pk=hidden.pk,
        )


def test_get_for_user_refuses_what_the_user_may_see_but_not_do(perms) -> None:
    visible = ProgrammeFactory(name="Visible")

    with pytest.raises(PermissionDenied):
        get_for_user(
            _request(UserFactory()),
            Programme,
            view_perm="tests.see",
            perm="tests.touch",
            pk=visible.pk,
        )


def test_get_for_user_404s_for_missing_objects(perms) -> None:
    with pytest.raises(Http404):
        get_for_user(
            _request(UserFactory()), Programme, view_perm="tests.see", perm="tests.see", pk=987654
        )


def test_get_for_user_accepts_a_queryset(perms) -> None:
    ProgrammeFactory(name="Editable", slug="editable")

    with pytest.raises(Http404):
        get_for_user(
            _request(UserFactory()),
            Programme.objects.exclude(slug="editable"),
            view_perm="tests.see",
            perm="tests.touch",
            slug="editable",
        )


def test_no_template_loads_django_rules_own_tags() -> None:
    """Its {% has_perm %} asks user.has_perm, which lets superusers through; pages load
    cip/templatetags/permissions.py instead, which asks the rules as the views do."""
    from django.conf import settings  # noqa: PLC0415

    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    roots += [Path(app.path) / "templates" for app in apps.get_app_configs()]
    loads_rules = re.compile(r"\{%\s*load\s[^%]*\brules\b")
    offenders = [
        str(path)
        for root in roots
        if root.is_dir() and ".venv" not in root.parts
        for path in root.rglob("*.html")
        if loads_rules.search(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, "Use {% load permissions %} in: " + ", ".join(offenders)
