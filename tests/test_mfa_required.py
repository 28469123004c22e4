"""Signing in: who must use a second factor, sign-up, email verification and login rate limits."""

from __future__ import annotations

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from teams.models import Membership, Organisation, Role, SiteGroup, User
from tests.factories import (
    MFA_PERSONAS,
    PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    give_totp,
)
from tests.test_url_matrix import ALL_PATTERNS

pytestmark = pytest.mark.django_db

MFA_SETUP = reverse("mfa_activate_totp")

# Every page outside /accounts/ (where the second factor is set up) and the health check.
GUARDED_PAGES = sorted(
    p.name
    for p in ALL_PATTERNS
    if p.name and not p.route.startswith(("accounts/", "healthz", "admin/"))
) + ["admin:index"]
CONVERTERS = {p.name: dict(p.converters) for p in ALL_PATTERNS if p.name}


def _any_url(name: str, programme) -> str:
    """A URL for the page. The middleware answers before the view, so objects need not exist."""
    fill = {"SlugConverter": programme.slug, "IntConverter": 1}
    kwargs = {arg: fill.get(kind, "x") for arg, kind in CONVERTERS[name].items()}
    return reverse(name, kwargs=kwargs)


def _without_authenticator(user: User) -> User:
    Authenticator.objects.filter(user=user).delete()
    return user


@pytest.mark.parametrize("page", GUARDED_PAGES)
@pytest.mark.parametrize("who", MFA_PERSONAS)
def test_people_who_need_mfa_must_set_it_up_first(
    who, page, persona, client_for, programme_a
) -> None:
    client = client_for(_without_authenticator(persona(who)))

    response = client.get(_any_url(page, programme_a))

    assert response.status_code == 302
    assert response["Location"] == MFA_SETUP


@pytest.mark.parametrize("who", MFA_PERSONAS)
def test_people_who_need_mfa_can_still_reach_account_pages(who, persona, client_for) -> None:
    client = client_for(_without_authenticator(persona(who)))

    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("who", MFA_PERSONAS)
def test_people_with_an_authenticator_get_through(who, persona, client_for) -> None:
    user = persona(who)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    assert client_for(user).get(reverse("dashboard")).status_code == 200


@pytest.mark.parametrize("who", ["vcs_partner", "team_member", "staff"])
def test_other_people_are_not_forced_to_use_mfa(who, persona, client_for) -> None:
    # The team member's organisation owns no data here (tests/test_safety_access.py: owners).
    user = _without_authenticator(persona(who))

    assert client_for(user).get(reverse("dashboard")).status_code == 200


def test_information_rights_role_needs_mfa_only_while_held(client_for, staff, programme_a):
    role = MembershipFactory(programme=programme_a, user=staff, role=Role.INFORMATION_RIGHTS)
    assert client_for(staff).get(reverse("dashboard"))["Location"] == MFA_SETUP

    Membership.objects.filter(pk=role.pk).update(ended_at=timezone.now())

    assert client_for(staff).get(reverse("dashboard")).status_code == 200


def test_facilitating_any_programme_needs_mfa(client_for, staff, programme_b) -> None:
    MembershipFactory(programme=programme_b, user=staff, role=Role.FACILITATOR)

    assert client_for(staff).get(reverse("dashboard"))["Location"] == MFA_SETUP


# --- signing in with a password and a code -----------------------------------------------------


def _current_code(user: User) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_signing_in_asks_for_the_code_before_letting_a_facilitator_in(client, facilitator):
    response = client.post(
        reverse("account_login"), {"login": facilitator.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert SESSION_KEY not in client.session
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("account_login"))

    response = client.post(reverse("mfa_authenticate"), {"code": _current_code(facilitator)})

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(facilitator.pk)
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_wrong_code_does_not_let_a_facilitator_in(client, facilitator) -> None:
    client.post(reverse("account_login"), {"login": facilitator.email, "password": PASSWORD})
    right = _current_code(facilitator)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = client.post(reverse("mfa_authenticate"), {"code": wrong})

    assert response.status_code == 200
    assert "The code is not correct" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_admin_login_page_goes_through_the_service_login(client, admin) -> None:
    response = client.post(reverse("admin:login"), {"username": admin.email, "password": PASSWORD})

    # The admin's own form would sign in with the password alone, skipping the second factor.
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert SESSION_KEY not in client.session


def test_vcs_partner_signs_in_with_password_only(client, vcs_partner) -> None:
    response = client.post(
        reverse("account_login"), {"login": vcs_partner.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.session[SESSION_KEY] == str(vcs_partner.pk)


# --- sign-up and email verification --------------------------------------------------------------


def _sign_up(client, **overrides) -> object:
    data = {
        "email": "new.partner@example.org",
        "password1": "a long and unusual passphrase",
        "password2": "a long and unusual passphrase",
        "display_name": "  Robin Okafor ",
        "organisation": "",
        "new_organisation": "Marsh Lane Community Garden",
    } | overrides
    return client.post(reverse("account_signup"), data)


def _confirmation_link() -> str:
    assert len(mail.outbox) == 1
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    return match.group(1)


def test_sign_up_makes_an_unverified_vcs_partner(client, db) -> None:
    response = _sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="new.partner@example.org")
    assert user.display_name == "Robin Okafor"
    assert user.organisation.name == "Marsh Lane Community Garden"
    assert user.organisation.verified is False
    assert list(user.groups.values_list("name", flat=True)) == [SiteGroup.VCS_PARTNER.value]
    assert not EmailAddress.objects.get(user=user).verified
    # Mandatory verification: signing up does not sign you in.
    assert SESSION_KEY not in client.session
    assert mail.outbox[0].to == ["new.partner@example.org"]


def test_sign_up_with_a_listed_organisation(client, db) -> None:
    food_bank = OrganisationFactory(name="Riverside Food Bank", verified=True)

    _sign_up(client, organisation=str(food_bank.pk), new_organisation="")

    assert User.objects.get(email="new.partner@example.org").organisation == food_bank
    assert Organisation.objects.count() == 1


def test_sign_up_needs_a_name_and_an_organisation(client, db) -> None:
    response = _sign_up(client, display_name="", new_organisation="")

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["display_name"] == ["Enter your name"]
    assert errors["organisation"] == ["Choose your organisation, or enter its name below"]
    assert not User.objects.exists()


def test_confirming_the_email_signs_the_partner_in(client, db) -> None:
    _sign_up(client)
    link = _confirmation_link()

    # Opening the link only shows a button: mail scanners that follow links confirm nothing.
    assert client.get(link).status_code == 200
    assert not EmailAddress.objects.get(email="new.partner@example.org").verified

    response = client.post(link)

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="new.partner@example.org").verified
    assert client.get(reverse("dashboard")).status_code == 200


def test_cannot_sign_in_before_confirming_the_email(client, db) -> None:
    user = UserFactory(email="unconfirmed@example.org", verified_email=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert SESSION_KEY not in client.session
    assert len(mail.outbox) == 1  # a fresh confirmation link


# --- rate limits ----------------------------------------------------------------------------------


def test_failed_logins_are_rate_limited(client, vcs_partner) -> None:
    url = reverse("account_login")
    for _ in range(5):
        response = client.post(url, {"login": vcs_partner.email, "password": "wrong password"})
        assert response.status_code == 200
        assert "too many times" not in response.content.decode()
        assert "Enter the email address and password you registered with" in (
            response.content.decode()
        )

    response = client.post(url, {"login": vcs_partner.email, "password": "wrong password"})

    assert response.status_code == 200
    assert "You have tried to sign in too many times" in response.content.decode()

    # Even the right password is refused until the limit passes.
    response = client.post(url, {"login": vcs_partner.email, "password": PASSWORD})
    assert "You have tried to sign in too many times" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_give_totp_matches_allauth_activation(db) -> None:
    user = UserFactory()
    authenticator = give_totp(user)

    assert authenticator.type == Authenticator.Type.TOTP
    assert len(_current_code(user)) == 6


def test_first_authenticator_right_after_sign_in_needs_no_second_password(client, db):
    from teams.models import SiteGroup
    from tests.factories import PASSWORD, UserFactory

    user = UserFactory(email="new.facilitator@example.org", groups=[SiteGroup.FACILITATOR])
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    assert response.status_code == 200  # the set-up page itself, not "confirm it's you"


def test_sign_in_errors_use_govuk_wording(client, db) -> None:
    response = client.post(reverse("account_login"), {"login": "", "password": ""})
    html = response.content.decode()
    assert "Enter your email address" in html
    assert "Enter your password" in html
    assert "This field is required" not in html


# --- MFA wording and one password step (issue: everyday use) ----------------------------------


def _code_for(secret: str) -> str:
    if 30 - time.time() % 30 < 2:  # too close to the next window: wait for it
        time.sleep(30 - time.time() % 30 + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def groups_again(transactional_db) -> None:
    """Transactional tests flush the site groups the data migration made: make them again."""
    from django.contrib.auth.models import Group  # noqa: PLC0415

    for name in SiteGroup.values:
        Group.objects.get_or_create(name=name)


# Real commits: allauth adds its banners after the request's transaction commits.
@pytest.mark.django_db(transaction=True)
def test_first_set_up_asks_for_the_password_once_and_speaks_to_a_first_timer(client, groups_again):
    user = UserFactory(email="first.timer@example.org", groups=[SiteGroup.FACILITATOR])
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    page = client.get(MFA_SETUP)
    assert page.status_code == 200
    assert client.get(reverse("dashboard"))["Location"] == MFA_SETUP  # a facilitator must
    secret = re.search(r"\b[A-Z2-7]{32}\b", page.content.decode()).group(0)

    response = client.post(MFA_SETUP, {"code": _code_for(secret)}, follow=True)

    # Straight to the new recovery codes, without the password again.
    assert [url for url, _ in response.redirect_chain] == [reverse("mfa_view_recovery_codes")]
    html = response.content.decode()
    assert "Keep these codes somewhere safe" in html
    assert "Save your recovery codes somewhere safe" in html
    assert "no longer work" not in html
    assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_new_codes_later_say_the_old_ones_stopped_working(client, groups_again) -> None:
    user = UserFactory(email="old.hand@example.org", groups=[SiteGroup.FACILITATOR])
    give_totp(user)
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.post(reverse("mfa_generate_recovery_codes"), follow=True)
    assert "Any codes you had before no longer work" in response.content.decode()


def test_a_code_entered_twice_says_it_has_just_been_used(client, facilitator) -> None:
    code = _current_code(facilitator)
    if 30 - time.time() % 30 < 3:
        time.sleep(30 - time.time() % 30 + 0.1)
        code = _current_code(facilitator)
    client.post(reverse("account_login"), {"login": facilitator.email, "password": PASSWORD})
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    client.post(reverse("account_logout"))

    client.post(reverse("account_login"), {"login": facilitator.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": code})

    html = response.content.decode()
    assert "This code has just been used: wait for the next one" in html
    assert "The code is not correct" not in html
    assert SESSION_KEY not in client.session
    wrong = "000000" if code != "000000" else "111111"
    html = client.post(reverse("mfa_authenticate"), {"code": wrong}).content.decode()
    assert "The code is not correct" in html


def test_the_sign_up_error_summary_follows_the_order_of_the_fields(client, db) -> None:
    html = client.post(reverse("account_signup"), {"password1": "x"}).content.decode()
    start = html.index("govuk-error-summary__list")
    summary = html[start : html.index("</ul>", start)]
    linked = list(dict.fromkeys(re.findall(r'href="#id_(\w+)"', summary)))
    form = html[html.index("<form") :]
    on_page = [name for name in re.findall(r'name="(\w+)"', form) if name in linked]
    assert linked == on_page
    assert linked[:2] == ["display_name", "email"]
