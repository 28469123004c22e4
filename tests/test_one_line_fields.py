"""Fields that head an email (its subject) or a calendar entry are one line, at the model.

Every variable on an email template's first line (the subject) is declared below, with the field
behind it; a new one fails `test_every_subject_variable_is_declared` until someone decides.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cip.fields import OneLineCharField, keep_existing_on_one_line, one_line
from landing.models import NewsPost, UpdateSubscription
from projects.models import (
    Action,
    ActionInterest,
    ActionsMeeting,
    BlogPost,
    Insight,
    InterestRegistration,
    Plenary,
)
from projects.models import TestingWorkshop as Workshop  # not a test class to pytest
from safety.models import SharingAgreement
from scoping.models import Idea, ScopingSession
from teams.models import OfficeHourSlot, Organisation, Programme, User

pytestmark = pytest.mark.django_db

HOSTILE = "First line\r\nBcc: everyone@example.org\rX-Injected: yes\n\u2028\x00\x1b[31m  end "
ONE_LINE = "First line Bcc: everyone@example.org X-Injected: yes [31m end"

# What each variable on a subject line stands for: a field (which must be one line) or a value
# the code makes itself from dates and fixed words.
SUBJECT_VARIABLES: dict[str, tuple[type, str] | str] = {
    "slot.when": "dates and times",
    "session.when": "dates and times",
    "workshop.when": "dates and times",
    "meeting.when": "dates and times",
    "action.due_date": "a date",
    "action.title": (Action, "title"),
    "plenary.when": "dates and times",
    "status": "a lifecycle status label",
    "role.with_article": "a role's name, from the code",
    "site_name": "the service's name, a setting",
    "notice.organisation": (Organisation, "name"),
    "programme.name": (Programme, "name"),
    "post.programme.name": (Programme, "name"),
    "post.title": (NewsPost, "title"),  # and a blog post's (ANNOUNCED_FIELDS, below)
    "idea.title": (Idea, "title"),
    "insight.title": (Insight, "title"),
    "interest.organisation_name": (ActionInterest, "organisation_name"),
    "registration.organisation_name": (InterestRegistration, "organisation_name"),
    "agreement.title": (SharingAgreement, "title"),
    "check.idea.title": (Idea, "title"),
    "date": "a date",
    "dataset.original_filename": "an upload's name: printable characters only (upload_name)",
}
# What the calendar writers (teams/ics.py, scoping/ics.py) put in SUMMARY, LOCATION and the
# organiser's and attendee's names. Descriptions may hold line breaks: they are escaped.
CALENDAR_FIELDS = [
    (Programme, "name"),
    (Idea, "title"),
    (OfficeHourSlot, "place"),
    (ScopingSession, "location"),
    (Workshop, "place"),
    (ActionsMeeting, "place"),
    (Plenary, "title"),
    (Plenary, "place"),
    (User, "display_name"),
]
# A published blog post's title heads the update that announces it (landing.signals).
ANNOUNCED_FIELDS = [(BlogPost, "title"), (BlogPost, "summary")]
HEADING_FIELDS = sorted(
    {v for v in SUBJECT_VARIABLES.values() if isinstance(v, tuple)}
    | set(CALENDAR_FIELDS)
    | set(ANNOUNCED_FIELDS),
    key=lambda pair: (pair[0].__name__, pair[1]),
)


def _subject_lines() -> dict[Path, str]:
    """Our templates' first lines, and allauth's whole `*_subject.txt` templates."""
    root = Path(settings.BASE_DIR)
    templates = [*root.glob("templates/*/email/*.txt"), *root.glob("*/templates/*/email/*.txt")]
    return {
        path: path.read_text().split("\n", 1)[0]
        for path in sorted(templates)
        if not path.name.startswith(("_", "base_"))
        and not path.stem.endswith(("_message", "_notification"))
    }


def test_every_subject_variable_is_declared() -> None:
    found = {
        re.split(r"\|", expression)[0].strip()
        for line in _subject_lines().values()
        for expression in re.findall(r"{{(.*?)}}", line)
    }
    assert found, "no email templates found"
    undeclared = sorted(found - set(SUBJECT_VARIABLES))
    assert not undeclared, f"declare these subject variables in SUBJECT_VARIABLES: {undeclared}"


@pytest.mark.parametrize(("model", "name"), HEADING_FIELDS, ids=lambda x: getattr(x, "__name__", x))
def test_every_heading_field_is_one_line(model, name) -> None:
    assert isinstance(model._meta.get_field(name), OneLineCharField)


def test_one_line_keeps_ordinary_text() -> None:
    assert one_line("Who misses out on debt advice?") == "Who misses out on debt advice?"
    assert one_line("  Café  crème, 2 \t rooms ") == "Café crème, 2 rooms"
    assert one_line(HOSTILE) == ONE_LINE
    assert one_line(None) is None


def test_a_line_break_saved_any_way_is_gone(programme_a, facilitator) -> None:
    programme_a.name = HOSTILE
    programme_a.save()
    facilitator.display_name = HOSTILE
    facilitator.save()
    post = NewsPost.objects.create(programme=programme_a, title=HOSTILE, slug="s", summary="s")
    for obj, name in ((programme_a, "name"), (facilitator, "display_name"), (post, "title")):
        assert getattr(obj, name) == ONE_LINE  # the instance too, not only the row
        obj.refresh_from_db()
        assert getattr(obj, name) == ONE_LINE


def test_a_facilitators_news_title_heads_the_update_email_whole(
    programme_a, facilitator, client_for, django_capture_on_commit_callbacks
) -> None:
    UpdateSubscription.objects.create(
        programme=programme_a, email="reader@example.org", confirmed_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        client_for(facilitator).post(
            reverse("landing:news_new", args=[programme_a.slug]),
            {"title": HOSTILE, "summary": "Book a slot.", "body": "Details.", "publish": "on"},
        )
    (message,) = mail.outbox
    assert message.subject == f"{programme_a.name}: {ONE_LINE}"
    assert "Bcc" not in message.message()  # no header was added
    assert NewsPost.objects.get().title == ONE_LINE


def test_a_programme_name_changed_in_admin_stays_one_line(programme_a, admin, client_for) -> None:
    url = reverse("admin:teams_programme_change", args=[programme_a.pk])
    client = client_for(admin)
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data |= {"name": "Riverside\r\nInsights", "slug": programme_a.slug, "place": "Riverside"}
    # The inline formsets on the page (principles and so on) are left as they are.
    for formset in client.get(url).context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data |= {management.add_prefix(k): v for k, v in management.initial.items()}
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    programme_a.refresh_from_db()
    assert programme_a.name == "Riverside Insights"


def test_the_migration_puts_existing_values_on_one_line(programme_a) -> None:
    # Rows saved before the field became one line (update() writes them as they are).
    # (PostgreSQL stores no NUL character at all, so that one is left out here.)
    Programme.objects.filter(pk=programme_a.pk).update(name=HOSTILE.replace("\x00", ""))
    idea = Idea.objects.create(programme=programme_a, title="Fine")
    Idea.objects.filter(pk=idea.pk).update(title="Who\nstops coming?")
    for app_label, fields in [("teams", {"programme": ["name"]}), ("scoping", {"idea": ["title"]})]:
        keep_existing_on_one_line(app_label, fields).code(apps, None)
    programme_a.refresh_from_db()
    idea.refresh_from_db()
    assert (programme_a.name, idea.title) == (ONE_LINE, "Who stops coming?")
