"""Role names read right in sentences: sentence case kept, acronyms kept, a or an by sound
(teams/roles.py, and its template filters)."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from teams.models import Role
from teams.roles import a_role, in_sentence, role_name, with_article

EVERY_ROLE = {
    Role.FACILITATOR: "a facilitator",
    Role.DELIVERY_LEAD: "a delivery lead",
    Role.DATA_ANALYST: "a data scientist or analyst",
    Role.VCS_MEMBER_LEAD: "a VCS member lead",
    Role.COMMUNITIES_REPRESENTATIVE: "a communities representative",
    Role.ADVISORY_PANEL: "an advisory panel member",
    Role.CONTRACTS_AND_LEGAL: "a contracts and legal adviser",
    Role.INFORMATION_RIGHTS: "an information-rights reviewer",
    Role.EXTERNAL_DATA_SPECIALIST: "an external data specialist",
}


def test_every_role_reads_right_with_its_article() -> None:
    assert set(EVERY_ROLE) == set(Role)
    for role, expected in EVERY_ROLE.items():
        assert a_role(role) == expected


def test_names_are_sentence_case() -> None:
    for role in Role:
        name = role_name(role)
        first, *rest = name.split(" ")
        assert first[0].isupper()
        assert all(word.islower() or word.isupper() for word in rest), name


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("NHS trust", "an NHS trust"),
        ("VCS colleague", "a VCS colleague"),
        ("MP", "an MP"),
        ("analyst", "an analyst"),
        ("delivery lead", "a delivery lead"),
    ],
)
def test_the_article_follows_the_sound(phrase, expected) -> None:
    assert with_article(phrase) == expected


def test_acronyms_keep_their_capitals_in_a_sentence() -> None:
    assert in_sentence("VCS member lead") == "VCS member lead"
    assert in_sentence("Subject-matter expert") == "subject-matter expert"


def test_template_filters_need_no_load() -> None:
    html = Template("{{ r|a_role }}; {{ r|role_name }}; {{ 'Other'|in_sentence }}").render(
        Context({"r": "advisory_panel"})
    )
    assert html == "an advisory panel member; Advisory panel member; other"
