"""The platform's own pages: the health check and the error pages."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_reports_the_database(client, settings) -> None:
    settings.CELERY_BROKER_URL = ""  # without a broker, the database is all there is to check
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_unavailable_without_the_database(client) -> None:
    with mock.patch("cip.views._database_ok", return_value=False):
        response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "unavailable"


@override_settings(CELERY_BROKER_URL="redis://broker.invalid:6379/0")
@pytest.mark.parametrize(("broker_up", "status"), [(True, 200), (False, 503)])
def test_healthz_checks_the_broker_when_one_is_configured(client, broker_up, status) -> None:
    with mock.patch("cip.views._broker_ok", return_value=broker_up) as broker_ok:
        response = client.get(reverse("healthz"))

    broker_ok.assert_called_once_with()
    body = json.loads(response.content)
    assert response.status_code == status
    assert body["broker"] == ("ok" if broker_up else "unavailable")
    assert body["status"] == ("ok" if broker_up else "unavailable")


def test_healthz_broker_check_survives_an_unreachable_broker(settings) -> None:
    from cip import views

    with mock.patch("cip.celery.app.connection_for_write", side_effect=OSError("refused")):
        assert views._broker_ok() is False


def test_healthz_refuses_post(client) -> None:
    assert client.post(reverse("healthz")).status_code == 405


@override_settings(DEBUG=False)
def test_unknown_url_shows_the_govuk_not_found_page(client) -> None:
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "errors/404.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in page
    assert "govuk-template" in page


@override_settings(DEBUG=False)
def test_forbidden_shows_the_govuk_page(client_for, analyst, programme_a) -> None:
    response = client_for(analyst).get(
        reverse("teams:programme_edit", kwargs={"slug": programme_a.slug})
    )

    assert response.status_code == 403
    assert "errors/403.html" in [t.name for t in response.templates]
    assert "govuk-heading-l" in response.content.decode()


@override_settings(DEBUG=False)
def test_server_error_shows_the_govuk_page(analyst) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(analyst)

    with mock.patch("teams.views.render", side_effect=RuntimeError("boom")):
        response = client.get(reverse("dashboard"))

    assert response.status_code == 500
    assert "errors/500.html" in [t.name for t in response.templates]
    assert "boom" not in response.content.decode()


def test_form_labels_and_hints_are_escaped_whoever_wrote_them() -> None:
    """Labels and hints often quote what people typed (an idea's title, a column header from an
    uploaded file); crispy-forms-gds prints them raw, so our copies of its templates escape them."""
    from crispy_forms.utils import render_crispy_form  # noqa: PLC0415
    from crispy_forms_gds.fields import DateInputField  # noqa: PLC0415
    from django import forms  # noqa: PLC0415

    from cip.forms import BaseForm  # noqa: PLC0415

    hostile = "<script>alert(1)</script>"

    class Hostile(BaseForm):
        text = forms.CharField(label=hostile, help_text=hostile)
        choice = forms.ChoiceField(
            label=hostile, help_text=hostile, choices=[("a", hostile)], widget=forms.RadioSelect
        )
        many = forms.MultipleChoiceField(
            label=hostile, choices=[("a", hostile)], widget=forms.CheckboxSelectMultiple
        )
        day = DateInputField(label=hostile, help_text=hostile)

    html = render_crispy_form(Hostile({}))
    assert "<script>" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 9
