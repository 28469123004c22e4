"""Every URL pattern, as every persona, by GET and by POST, against a declared matrix.

A new view without a row here fails `test_every_url_pattern_has_a_decision`, so nobody adds a page
without deciding who may open it. Rows are keyed by URL name; Django admin is declared once for the
site pages and once for the views every registered model gets, and concrete admin URLs are generated
for each registered model (with a real object) so that every admin pattern is exercised.

POSTs carry no data: the test client skips CSRF checks, so what we see is the view's own decision
(form errors 200, redirect, 403, 404 or 405).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path
from tempfile import TemporaryDirectory
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from cip.models import WorkerHeartbeat
from landing.models import NewsDelivery, NewsPost, UpdateSubscription
from projects import files, insights
from projects.models import (
    Action,
    ActionsMeeting,
    BlogPost,
    Criterion,
    FeedbackItem,
    Insight,
    InterestRegistration,
    Lesson,
    MethodChange,
    Plenary,
    PlenaryRegistration,
    Project,
    ProjectMember,
    ResearchSession,
    RetroCard,
    SelectionScore,
    SimilarWork,
    SolutionIdea,
    Status,
    WorkshopBooking,
)
from projects.models import TestingWorkshop as Workshop
from safety import checks, services
from safety.demo import approved_check
from safety.models import (
    CheckCondition,
    Dataset,
    DatasetAccess,
    KeyRotation,
    PostcodeHouseholds,
    SafetyCheck,
    SafetySettings,
    SharingAgreement,
    Stage,
)
from scoping.models import (
    DataSource,
    Idea,
    ProgrammeDataSet,
    ScopingSession,
    SessionInvitation,
    SessionRole,
)
from teams.models import OfficeHourBooking, OfficeHourSlot, Programme, User
from tests import factories
from tests.dataset_helpers import data_source, signed_agreement, stored_dataset
from tests.factories import (
    AUTHENTICATOR_PERSONAS,
    FAST_HASHERS,
    PERSONAS,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    make_persona,
)
from tests.phase3_helpers import TINY_PNG, at, draft_insight, table_on
from tests.scoping_helpers import complete_evaluation, session_for, skill_on, source_on
from tests.selection_helpers import candidate, selected
from tests.sharing_helpers import blog_post_on, plenary_on, registration_on

GET, POST = "GET", "POST"


@dataclass(frozen=True)
class Redirect:
    """A 302 to a URL name (or a path). `next_is_request` also checks the ?next= round trip."""

    to: str
    next_is_request: bool = False

    def __repr__(self) -> str:
        return f"302→{self.to}"


Expect = int | Redirect

LOGIN = Redirect("account_login", next_is_request=True)
ADMIN_LOGIN = Redirect("admin:login", next_is_request=True)
DASHBOARD = Redirect("dashboard")
REAUTHENTICATE = Redirect("account_reauthenticate", next_is_request=True)
# Programme A's own page (its get_absolute_url), resolved from the object in the test.
PROGRAMME_A_PAGE = Redirect("programme_a.get_absolute_url")
WAYS_OF_WORKING_A = Redirect("/programmes/riverside/ways-of-working/")  # programme A

SIGNED_IN = tuple(p for p in PERSONAS if p != "anonymous")
ON_TEAM_A = ("team_member", "analyst", "reviewer", "facilitator")
NOT_ON_TEAM_A = ("vcs_partner", "staff", "outsider")


def row(default: Expect, **overrides: Expect) -> dict[str, Expect]:
    """One expectation per persona: `default` for everyone not named."""
    unknown = set(overrides) - set(PERSONAS)
    assert not unknown, f"unknown personas in matrix: {unknown}"
    return {p: overrides.get(p, default) for p in PERSONAS}


def some(expect: Expect, personas: tuple[str, ...]) -> dict[str, Expect]:
    return dict.fromkeys(personas, expect)


def both(expectations: dict[str, Expect]) -> dict[str, dict[str, Expect]]:
    """The same decision for GET and POST."""
    return {GET: expectations, POST: expectations}


signed_in_only = row(200, anonymous=LOGIN)
FACILITATOR_ONLY = row(403, anonymous=LOGIN, facilitator=200, admin=200, **some(404, NOT_ON_TEAM_A))
DATASET_OWNER_ONLY = row(403, anonymous=LOGIN, team_member=200, **some(404, NOT_ON_TEAM_A))
# Before any safety check is approved, the analyst role alone opens no dataset.
DATASET_READERS = row(
    200, anonymous=LOGIN, facilitator=403, analyst=403, **some(404, NOT_ON_TEAM_A)
)
# Safety checks and the evidence pack: the programme's team, the data owner and admins.
KNOWS_IDEA = row(200, anonymous=LOGIN, **some(404, NOT_ON_TEAM_A))
# The check builders' author is nobody in the personas; the reviewer signs off.
CHECK_REVIEWER = row(403, anonymous=LOGIN, reviewer=200, **some(404, NOT_ON_TEAM_A))
CHECK_AUTHOR_ONLY = row(403, anonymous=LOGIN, **some(404, NOT_ON_TEAM_A))
# The register's keepers (information rights, contracts and legal) and admins.
AGREEMENT_KEEPERS = row(403, anonymous=LOGIN, reviewer=200, admin=200, **some(404, NOT_ON_TEAM_A))
# Scoping: the VCS partner proposed programme A's idea; staff are invited to its session only.
SCOPING_TEAM = row(200, anonymous=LOGIN, vcs_partner=403, **some(404, ("staff", "outsider")))
SCOPING_FACILITATOR = FACILITATOR_ONLY | {"vcs_partner": 403}
SESSION_READERS = row(200, anonymous=LOGIN, outsider=404)
SESSION_FACILITATOR = row(403, anonymous=LOGIN, facilitator=200, admin=200, outsider=404)
SESSION_EDITORS = row(200, anonymous=LOGIN, vcs_partner=403, staff=403, outsider=404)
# Redirects to pages of objects the builders make, resolved in the test (see REDIRECT_BUILDERS).
SCOPING_SESSION_PAGE = Redirect("built:scoping_session")
SCOPING_INVENTORY = Redirect("built:scoping_inventory")
SCOPING_SKILLS = Redirect("built:scoping_skills")
SCOPING_EVALUATION = Redirect("built:scoping_evaluation")
# Ideas: programme A's idea is the VCS partner's; staff and outsiders do not know it.
IDEA_READERS = row(200, anonymous=LOGIN, staff=404, outsider=404)
IDEA_ACTORS = ("facilitator", "admin")
# After selection: the selected project's core team (and admins) work on it.
WORKING = (*ON_TEAM_A, "admin")
WORKERS = row(200, anonymous=LOGIN, **some(404, NOT_ON_TEAM_A))

# ----------------------------------------------------------------------------------------------
# The matrix: URL name -> method -> persona -> expected status or redirect.
# ----------------------------------------------------------------------------------------------
MATRIX: dict[str, dict[str, dict[str, Expect]]] = {
    # Our pages.
    "landing:home": {GET: row(200), POST: row(405)},
    "dashboard": {GET: signed_in_only, POST: row(405)},
    # Every task of one kind; each person sees only their own.
    "dashboard_tasks": {GET: signed_in_only, POST: row(405)},
    "teams:profile": {GET: signed_in_only, POST: signed_in_only},  # empty POST: form errors
    # The menu's programme switcher: without a programme of theirs in the query, nothing to open.
    "teams:programme_choose": {GET: row(404, anonymous=LOGIN), POST: row(405)},
    # Programme pages: the team (and admins) see them, people not on the team get 404, and only
    # the facilitator (and admins) change them. Read-only pages refuse POST before anything else.
    "teams:programme": {GET: row(200, anonymous=LOGIN, **some(404, NOT_ON_TEAM_A)), POST: row(405)},
    "teams:introductions": {
        GET: row(200, anonymous=LOGIN, **some(404, NOT_ON_TEAM_A)),
        POST: row(405),
    },
    "teams:ways_of_working": {
        GET: row(200, anonymous=LOGIN, **some(404, NOT_ON_TEAM_A)),
        POST: row(405),
    },
    # Facilitator pages. An empty POST shows the form again with its errors (200);
    # ending a membership needs no data, so the facilitator's POST ends it and redirects.
    "teams:programme_edit": both(FACILITATOR_ONLY),
    "teams:member_add": both(FACILITATOR_ONLY),
    # Every part of the agreement is optional, so an empty POST saves a blank agreement.
    "teams:ways_of_working_edit": {
        GET: FACILITATOR_ONLY,
        POST: FACILITATOR_ONLY | some(WAYS_OF_WORKING_A, ("facilitator", "admin")),
    },
    "teams:membership_end": {
        GET: FACILITATOR_ONLY,
        POST: FACILITATOR_ONLY | some(PROGRAMME_A_PAGE, ("facilitator", "admin")),
    },
    "healthz": {GET: row(200), POST: row(405)},
    # Office hours. The facilitator runs them; anyone signed in may book an open slot.
    "teams:office_hours": {GET: FACILITATOR_ONLY, POST: row(405)},
    "teams:office_hours_publish": both(FACILITATOR_ONLY),
    "teams:office_hours_slot_cancel": both(FACILITATOR_ONLY),
    "teams:office_hours_attendance": both(FACILITATOR_ONLY),
    "teams:office_hours_book": both(signed_in_only),  # empty POST: the form again
    "teams:my_bookings": {GET: signed_in_only, POST: row(405)},
    # Someone else's booking: hidden from everyone but the programme's facilitator, who may see
    # it but not change it, and admins.
    "teams:booking_detail": {
        GET: row(404, anonymous=LOGIN, facilitator=200, admin=200),
        POST: row(405),
    },
    "teams:booking_move": both(row(404, anonymous=LOGIN, facilitator=403, admin=200)),
    # The booking's calendar entry: its owner's (and admins'); the facilitator sees the booking.
    "teams:booking_calendar": {
        GET: row(404, anonymous=LOGIN, facilitator=403, admin=200),
        POST: row(405),
    },
    "teams:booking_cancel": {
        GET: row(404, anonymous=LOGIN, facilitator=403, admin=200),
        POST: row(404, anonymous=LOGIN, facilitator=403, admin=Redirect("teams:my_bookings")),
    },
    # The public site: open to everyone, read-only.
    **{
        name: {GET: row(200), POST: row(405)}
        for name in (
            "landing:accessibility",
            "landing:privacy",
            "landing:cookies",
            "landing:programme",
            "landing:news",
            "landing:news_feed",
            "landing:news_post",
        )
    },
    # Anyone may ask for update emails; an empty POST shows the form again.
    "landing:subscribe": both(row(200)),
    # Unknown tokens: nothing to confirm or cancel.
    "landing:subscription_confirm": both(row(404)),
    "landing:unsubscribe": both(row(404)),
    # The programme's public content is edited by its facilitator (and admins).
    "landing:news_new": both(FACILITATOR_ONLY),
    "landing:news_edit": both(FACILITATOR_ONLY),
    "landing:principle_edit": both(FACILITATOR_ONLY),
    # Selection (projects/views/selection.py). Programme A has an evaluated candidate and a
    # selected, announced project, neither proposed by a persona. The core team scores (admins
    # who are not on it do not) and compares; the facilitator (and admins) decide, mobilise the
    # team and announce. Anyone signed in registers interest in the announced project. Empty
    # POSTs show the forms again with their errors.
    "projects:score": both(row(200, anonymous=LOGIN, admin=403, **some(404, NOT_ON_TEAM_A))),
    "projects:selection": {
        GET: row(200, anonymous=LOGIN, **some(404, NOT_ON_TEAM_A)),
        POST: row(405),
    },
    "projects:selection_decide": both(FACILITATOR_ONLY),
    "projects:team": both(FACILITATOR_ONLY),
    "projects:team_member_remove": {
        GET: FACILITATOR_ONLY,
        POST: FACILITATOR_ONLY | some(Redirect("built:project_team"), ("facilitator", "admin")),
    },
    "projects:announce": both(FACILITATOR_ONLY),
    "projects:interest": both(signed_in_only),
    # allauth: accounts. Signed-in people are sent on from the sign-in and sign-up pages.
    "account_login": {GET: row(DASHBOARD, anonymous=200), POST: row(DASHBOARD, anonymous=200)},
    "account_signup": {GET: row(DASHBOARD, anonymous=200), POST: row(DASHBOARD, anonymous=200)},
    "account_logout": {GET: row(200, anonymous=Redirect("/")), POST: row(Redirect("/"))},
    "account_inactive": {GET: row(200), POST: row(405)},
    "account_reauthenticate": both(signed_in_only),
    # An empty POST names no action, so the page is shown again.
    "account_email": {GET: signed_in_only, POST: row(Redirect("account_email"), anonymous=LOGIN)},
    "account_email_verification_sent": {GET: row(200), POST: row(405)},
    "account_change_password": both(signed_in_only),
    # Everyone here has a password already, so "set" sends them to "change".
    "account_set_password": both(row(Redirect("account_change_password"), anonymous=LOGIN)),
    "account_reset_password": both(row(200)),
    "account_reset_password_done": {GET: row(200), POST: row(405)},
    "account_reset_password_from_key_done": {GET: row(200), POST: row(405)},
    # Sign-in by emailed code is off: the page has nothing to confirm.
    "account_confirm_login_code": both(row(DASHBOARD, anonymous=Redirect("account_login"))),
    # Invalid keys: the confirmation page says the link has expired or is invalid.
    "account_confirm_email": {GET: row(200), POST: row(404)},
    "account_reset_password_from_key": both(row(200)),
    # allauth: two-factor authentication. force_login records no recent sign-in, so the pages
    # that change a second factor first ask for the password again.
    "mfa_index": {GET: signed_in_only, POST: row(405, anonymous=LOGIN)},
    # Only reached in the middle of signing in; anyone already signed in is sent on.
    "mfa_authenticate": both(row(DASHBOARD, anonymous=Redirect("account_login"))),
    # Confirming with a code needs a second factor; without one it falls back to the password.
    "mfa_reauthenticate": both(
        row(
            Redirect("account_reauthenticate"), anonymous=LOGIN, **some(200, AUTHENTICATOR_PERSONAS)
        )
    ),
    "mfa_activate_totp": both(row(REAUTHENTICATE, anonymous=LOGIN)),
    "mfa_deactivate_totp": both(
        row(404, anonymous=LOGIN, **some(REAUTHENTICATE, AUTHENTICATOR_PERSONAS))
    ),
    # Nobody here has recovery codes yet.
    "mfa_view_recovery_codes": {GET: row(404, anonymous=LOGIN), POST: row(405, anonymous=LOGIN)},
    "mfa_generate_recovery_codes": both(row(REAUTHENTICATE, anonymous=LOGIN)),
    "mfa_download_recovery_codes": both(row(404, anonymous=LOGIN)),
    # Datasets. The dataset belongs to a data source on programme A owned by the team member's
    # organisation. Outsiders to the programme and organisation get 404; others on the team 403.
    # Superusers are no exception for the bytes: raw data is for the owning organisation.
    "safety:dataset_list": {GET: signed_in_only, POST: row(405)},
    "safety:dataset_upload": both(DATASET_OWNER_ONLY),  # empty POST: "Choose a file"
    "safety:dataset_sheet": both(DATASET_OWNER_ONLY),  # empty POST: "Choose the sheet"
    "safety:dataset_progress": {GET: DATASET_READERS, POST: row(405)},
    # The dataset has not failed, so the owner is sent back to its progress page.
    "safety:dataset_try_again": {
        GET: row(405),
        POST: row(
            403,
            anonymous=LOGIN,
            team_member=Redirect("built:dataset_progress"),
            **some(404, NOT_ON_TEAM_A),
        ),
    },
    "safety:dataset_report": {GET: DATASET_READERS, POST: row(405)},
    "safety:dataset_remedies": both(
        row(403, anonymous=LOGIN, reviewer=200, admin=200, **some(404, NOT_ON_TEAM_A))
    ),
    "safety:dataset_download_raw": both(DATASET_OWNER_ONLY),  # empty POST: "Enter why"
    "safety:dataset_download_redacted": both(DATASET_OWNER_ONLY),
    # Safety checks (safety/check_views.py). The evaluation check of programme A's data source
    # waits for sign-off; its author is not a persona. Starting a check or a new version makes
    # the persona its author and opens it for answers.
    "safety:data_source": {GET: KNOWS_IDEA, POST: row(405)},
    "safety:idea_checks": {GET: KNOWS_IDEA, POST: row(405)},
    "safety:check_start": {
        GET: row(405),
        POST: KNOWS_IDEA | some(Redirect("built:solution_check_edit"), (*ON_TEAM_A, "admin")),
    },
    "safety:evidence_pack": {GET: KNOWS_IDEA, POST: row(405)},
    "safety:evidence_pack_pdf": {GET: KNOWS_IDEA, POST: row(405)},
    "safety:check_queue": {GET: signed_in_only, POST: row(405)},
    "safety:check": {GET: KNOWS_IDEA, POST: row(405)},
    "safety:check_edit": both(CHECK_AUTHOR_ONLY),
    "safety:check_sign_off": both(CHECK_REVIEWER),  # empty POST: "Choose the outcome"
    "safety:check_new_version": {
        GET: row(405),
        POST: KNOWS_IDEA | some(Redirect("built:new_version_edit"), (*ON_TEAM_A, "admin")),
    },
    # A condition of the approved check, owned by the analyst: they or a reviewer update it.
    "safety:condition": both(
        row(403, anonymous=LOGIN, analyst=200, reviewer=200, **some(404, NOT_ON_TEAM_A))
    ),
    # Sharing agreements. Programme A's agreement covers the data source; the team member's
    # organisation is a party to it.
    "safety:agreement_list": {GET: KNOWS_IDEA, POST: row(405)},
    "safety:agreement_new": both(AGREEMENT_KEEPERS),  # empty POST: "Enter the name"
    "safety:agreement": {GET: KNOWS_IDEA, POST: row(405)},
    "safety:agreement_edit": both(AGREEMENT_KEEPERS),
    "safety:agreement_document": both(AGREEMENT_KEEPERS),  # empty POST: "Choose the signed ..."
    "safety:agreement_end": both(AGREEMENT_KEEPERS),  # empty POST: "Enter why"
    # The signed document: the parties and the register's keepers; not admins or facilitators.
    "safety:agreement_download": both(
        row(403, anonymous=LOGIN, team_member=200, reviewer=200, **some(404, NOT_ON_TEAM_A))
    ),
    # Scoping (scoping/views.py). Programme A's idea was proposed by the VCS partner, who knows it
    # (403 on the team's pages) and sees its session; staff are invited to the session only (404
    # on the idea's pages). The core team reads and edits notes, inventory and skills; the
    # facilitator (and admins) schedule, invite and write and share the evaluation.
    "scoping:overview": {GET: SCOPING_TEAM, POST: row(405)},
    "scoping:session_new": both(SCOPING_FACILITATOR),  # empty POST: "Enter the date"
    "scoping:session": {GET: SESSION_READERS, POST: row(405)},
    "scoping:session_record": {GET: SESSION_READERS, POST: row(405)},
    "scoping:session_change": both(SESSION_FACILITATOR),  # empty POST: "Enter the date"
    "scoping:session_invite": both(SESSION_FACILITATOR),  # empty POST: "Select the role"
    "scoping:invitation_remove": {
        GET: SESSION_FACILITATOR,
        POST: SESSION_FACILITATOR | some(SCOPING_SESSION_PAGE, ("facilitator", "admin")),
    },
    # Every answer is optional, so an empty POST saves and returns to the session.
    **{
        name: {
            GET: SESSION_EDITORS,
            POST: SESSION_EDITORS | some(SCOPING_SESSION_PAGE, (*ON_TEAM_A, "admin")),
        }
        for name in ("scoping:session_preparation", "scoping:session_question")
    },
    "scoping:data_sources": {GET: SCOPING_TEAM, POST: row(405)},
    "scoping:data_source_new": both(SCOPING_TEAM),  # empty POST: "Enter the name"
    "scoping:data_source_edit": both(SCOPING_TEAM),
    "scoping:data_source_remove": {
        GET: SCOPING_TEAM,
        POST: SCOPING_TEAM | some(SCOPING_INVENTORY, (*ON_TEAM_A, "admin")),
    },
    # A programme's own published data sets: its facilitator (and admins) manage them. An empty
    # POST shows the form's errors; removing needs no data.
    "scoping:public_data": both(FACILITATOR_ONLY),
    "scoping:public_data_remove": {
        GET: FACILITATOR_ONLY,
        POST: FACILITATOR_ONLY | some(Redirect("/programmes/riverside/public-data/"), IDEA_ACTORS),
    },
    "scoping:skills": {GET: SCOPING_TEAM, POST: row(405)},
    "scoping:skills_suggest": {
        GET: row(405),
        POST: SCOPING_TEAM | some(SCOPING_SKILLS, (*ON_TEAM_A, "admin")),
    },
    "scoping:skill_new": both(SCOPING_TEAM),  # empty POST: "Select the skill"
    "scoping:skill_edit": both(SCOPING_TEAM),
    "scoping:skill_remove": {
        GET: SCOPING_TEAM,
        POST: SCOPING_TEAM | some(SCOPING_SKILLS, (*ON_TEAM_A, "admin")),
    },
    "scoping:evaluation": {GET: SCOPING_TEAM, POST: row(405)},
    # Every part is optional while drafting; sharing needs a complete summary (the builder's is).
    **{
        name: {
            GET: SCOPING_FACILITATOR,
            POST: SCOPING_FACILITATOR | some(SCOPING_EVALUATION, ("facilitator", "admin")),
        }
        for name in ("scoping:evaluation_edit", "scoping:evaluation_share")
    },
    # Ideas and the project page (projects/views/ideas.py). Anyone signed in suggests an idea (an
    # empty POST: the form's errors). Programme A's idea was proposed by the VCS partner, who knows
    # it, may withdraw it and reply; the core team reads it; the facilitator (and admins) act.
    "projects:idea_new": both(signed_in_only),
    "projects:idea_queue": {
        GET: row(200, anonymous=LOGIN, **some(404, NOT_ON_TEAM_A)),
        POST: row(405),
    },
    "projects:my_ideas": {GET: signed_in_only, POST: row(405)},
    "projects:idea_from_booking": {
        GET: row(405, anonymous=LOGIN),
        POST: row(404, anonymous=LOGIN, **some(Redirect("built:booking_idea"), IDEA_ACTORS)),
    },
    "projects:project": {GET: IDEA_READERS, POST: row(405)},
    # Withdrawing needs a reason, so an empty POST shows the form again.
    "projects:move": both(IDEA_READERS | some(403, ("team_member", "analyst", "reviewer"))),
    "projects:idea_message": both(IDEA_READERS | some(403, ("team_member", "analyst", "reviewer"))),
    "projects:idea_merge": both(
        IDEA_READERS | some(403, ("vcs_partner", "team_member", "analyst", "reviewer"))
    ),
    # Exploring, testing and publishing (projects/views/exploring.py, testing.py, insights.py),
    # on programme A's selected project: the core team (and admins) keep the records; people
    # who do not know the project get 404. The facilitator (and admins) run workshops. Empty
    # POSTs show the forms again, except where nothing is required (then the save redirects).
    "projects:solutions": {GET: WORKERS, POST: row(405)},
    **{
        name: both(WORKERS)
        for name in (
            "projects:similar_work",
            "projects:research_new",
            "projects:research_edit",
            "projects:solution_new",
            "projects:solution_edit",
            "projects:feedback_new",
            "projects:feedback_edit",
            "projects:insight_new",
            "projects:insight_edit",
            "projects:insight_table_upload",
            "projects:insight_table_from_dataset",  # no dataset chosen: the chooser again
            "projects:insight_chart_new",
            "projects:insight_map_new",
            "projects:boundaries",
        )
    },
    **{
        name: {GET: WORKERS, POST: row(405)}
        for name in (
            "projects:research",
            "projects:solution",
            "projects:solution_sketch",
            "projects:workshops",
            "projects:feedback",
            "projects:insight",
        )
    },
    "projects:similar_work_remove": {
        GET: WORKERS,
        POST: WORKERS | some(Redirect("built:similar_work"), WORKING),
    },
    "projects:solution_skills": {
        GET: WORKERS,
        POST: WORKERS | some(Redirect("built:solution"), WORKING),
    },
    "projects:final_checks": {
        GET: WORKERS,
        POST: WORKERS | some(Redirect("built:solutions"), WORKING),
    },
    "projects:insight_ready": {
        GET: row(405, anonymous=LOGIN),
        POST: WORKERS | some(Redirect("built:insight"), WORKING),
    },
    "projects:insight_part_remove": {
        GET: WORKERS,
        POST: WORKERS | some(Redirect("built:insight"), WORKING),
    },
    "projects:workshop_new": both(FACILITATOR_ONLY),
    "projects:workshop": {GET: WORKERS, POST: FACILITATOR_ONLY},
    # People invited (none of the personas) and the team book a place; an empty POST books one.
    "projects:workshop_book": {
        GET: WORKERS,
        POST: WORKERS | some(Redirect("built:workshop_book"), WORKING),
    },
    # Insights to actions (projects/views/actions.py), on programme A's selected project with a
    # published insight, an actions meeting and an action owned by an organisation no persona
    # works for. The team reads the actions and downloads the pack; the facilitator (and admins)
    # see who registered, run the meeting, write the pack and record actions; the owner's people
    # (and the facilitator) add progress. An empty POST to the meeting invites whoever
    # registered; an empty action pack saves.
    "projects:actions": {GET: WORKERS, POST: row(405)},
    "projects:action_interest": {GET: FACILITATOR_ONLY, POST: row(405)},
    "projects:actions_meeting_new": both(FACILITATOR_ONLY),
    "projects:actions_meeting": {
        GET: FACILITATOR_ONLY,
        POST: FACILITATOR_ONLY | some(Redirect("built:actions_meeting"), ("facilitator", "admin")),
    },
    # Its time or place (the built meeting is to come): an empty POST shows the form's errors.
    "projects:actions_meeting_edit": both(FACILITATOR_ONLY),
    "projects:action_pack": {
        GET: FACILITATOR_ONLY,
        POST: FACILITATOR_ONLY | some(Redirect("built:action_pack"), ("facilitator", "admin")),
    },
    "projects:action_pack_pdf": {GET: WORKERS, POST: row(405)},
    "projects:action_new": both(FACILITATOR_ONLY),
    "projects:action": {GET: WORKERS, POST: FACILITATOR_ONLY},
    "projects:action_edit": both(FACILITATOR_ONLY),
    "projects:my_actions": {GET: signed_in_only, POST: row(405)},
    # Anyone signed in registers interest in acting on a published insight.
    "landing:insight_interest": both(signed_in_only),
    # Published insights and their downloads are public.
    **{
        name: {GET: row(200), POST: row(405)}
        for name in (
            "landing:insights",
            "landing:insight",
            "landing:insight_pdf",
            "landing:insight_csv",
            "landing:insight_json",
            "landing:insight_csvw",
        )
    },
    # The national view, its feed and the public API: every programme's public content.
    **{
        name: {GET: row(200), POST: row(405)}
        for name in (
            "landing:national",
            "landing:national_feed",
            "api_openapi",
            "api:programmes",
            "api:programme",
            "api:insights",
            "api:insight",
            "api:data_sources",
            "api:data_source",
            "api:open_data_sets",
            "landing:national_lesson",
            "api:lessons",
            "api:lesson",
        )
    },
    # No docs page (it would load from a CDN): the API's root has nothing to show.
    "api:api-root": {GET: row(404), POST: row(404)},
    # Reflecting (projects/views/reflection.py), on programme A's project that is reflecting:
    # its people (and admins) see the survey's progress and results and use the board; the
    # facilitator opens the survey. The survey is answered from an emailed link, with no
    # account: a key that is not one is not found.
    "projects:reflections": {GET: WORKERS, POST: row(405)},
    "projects:survey_open": {
        GET: FACILITATOR_ONLY,
        POST: FACILITATOR_ONLY | some(Redirect("built:reflections"), ("facilitator", "admin")),
    },
    "projects:survey_results": {GET: WORKERS, POST: row(405)},
    "projects:survey_link": {GET: row(404), POST: row(405)},
    "projects:survey_submit": {GET: row(405), POST: row(404)},
    "projects:survey_thanks": {GET: row(200), POST: row(405)},
    "projects:programme_reflections": {
        GET: row(200, anonymous=LOGIN, **some(404, NOT_ON_TEAM_A)),
        POST: row(405),
    },
    "projects:board": both(WORKERS),  # an empty card: the form's errors
    # The analyst's card: they change it; the facilitator merges it and marks it as an action.
    "projects:card_edit": both(
        row(403, anonymous=LOGIN, analyst=200, admin=200, **some(404, NOT_ON_TEAM_A))
    ),
    "projects:card_delete": {
        GET: row(403, anonymous=LOGIN, analyst=200, admin=200, **some(404, NOT_ON_TEAM_A)),
        POST: row(403, anonymous=LOGIN, **some(404, NOT_ON_TEAM_A))
        | some(Redirect("built:board"), ("analyst", "admin")),
    },
    "projects:card_merge": both(FACILITATOR_ONLY),
    "projects:card_action": {
        GET: row(405, anonymous=LOGIN),
        POST: FACILITATOR_ONLY | some(Redirect("built:board"), ("facilitator", "admin")),
    },
    # Lessons and method changes (projects/views/lessons.py): the core team reads lessons; the
    # facilitator writes them and publishes method changes, which anyone reads on the public site.
    **{
        name: {GET: row(200, anonymous=LOGIN, **some(404, NOT_ON_TEAM_A)), POST: row(405)}
        for name in ("projects:lessons", "projects:lesson")
    },
    "projects:lesson_new": both(FACILITATOR_ONLY),
    "projects:lesson_edit": both(FACILITATOR_ONLY),
    "projects:method_changes": both(FACILITATOR_ONLY),
    "projects:method_change_edit": both(FACILITATOR_ONLY),
    "landing:method_changes": {GET: row(200), POST: row(405)},
    # Sharing (projects/views/sharing.py). The team sees the sharing page and starts blog posts;
    # the facilitator (and admins) schedule plenaries and record who came (the built one has
    # started; an empty POST records nothing and returns). Anyone signed in registers for a
    # plenary (an empty POST: the form again). The registration is someone else's: its
    # plenary's facilitator sees it but cannot change it.
    "projects:sharing": {GET: WORKERS, POST: row(405)},
    "projects:plenary_new": both(FACILITATOR_ONLY),
    "projects:plenary": {
        GET: FACILITATOR_ONLY,
        POST: FACILITATOR_ONLY | some(Redirect("built:started_plenary"), IDEA_ACTORS),
    },
    "projects:plenary_cancel": both(FACILITATOR_ONLY),  # an empty POST: "Enter a message"
    "projects:plenary_register": both(signed_in_only),
    "projects:plenary_registration": {
        GET: row(404, anonymous=LOGIN, facilitator=200, admin=200),
        POST: row(405),
    },
    "projects:plenary_registration_calendar": {
        GET: row(404, anonymous=LOGIN, facilitator=403, admin=200),
        POST: row(405),
    },
    "projects:plenary_registration_cancel": {
        GET: row(404, anonymous=LOGIN, facilitator=403, admin=200),
        POST: row(
            404, anonymous=LOGIN, facilitator=403, admin=Redirect("built:plenary_registration")
        ),
    },
    # Blog posts: the draft is the team member's (a VCS member lead). The team reads it; only
    # its authors (and admins) change it; empty POSTs show the forms again, and submitting it
    # without a council co-author shows why not. The facilitator reviews a submitted post.
    "projects:blog_new": both(WORKERS),
    "projects:blog_post": {GET: WORKERS, POST: row(405)},
    **{
        name: both(WORKERS | some(403, ("analyst", "reviewer", "facilitator")))
        for name in ("projects:blog_edit", "projects:blog_authors")
    },
    # Deleting a draft: its authors (and admins) are asked first; a POST deletes it and returns
    # to the sharing page.
    "projects:blog_delete": {
        GET: WORKERS | some(403, ("analyst", "reviewer", "facilitator")),
        POST: WORKERS
        | some(403, ("analyst", "reviewer", "facilitator"))
        | some(Redirect("built:sharing"), ("team_member", "admin")),
    },
    "projects:blog_submit": {
        GET: row(405),
        POST: WORKERS | some(403, ("analyst", "reviewer", "facilitator")),
    },
    "projects:blog_review": both(WORKERS | some(403, ("team_member", "analyst", "reviewer"))),
    # Published blog posts are public.
    **{name: {GET: row(200), POST: row(405)} for name in ("landing:blog", "landing:blog_post")},
}


def _slot(programme: Programme) -> OfficeHourSlot:
    starts = timezone.now() + timedelta(days=7)
    return OfficeHourSlot.objects.create(
        programme=programme, starts_at=starts, ends_at=starts + timedelta(hours=1)
    )


def _booking(programme: Programme) -> OfficeHourBooking:
    """A booking by someone who is not a persona, on programme A's office hours."""
    return OfficeHourBooking.objects.create(
        slot=_slot(programme), user=_subject(), topic="Our referral data"
    )


def _news(programme: Programme) -> NewsPost:
    return NewsPost.objects.get_or_create(
        programme=programme,
        slug="first-update",
        defaults={
            "title": "First update",
            "summary": "S",
            "body": "B",
            "published_at": timezone.now(),
        },
    )[0]


def _data_source(programme: Programme) -> DataSource:
    """Programme A's data source, owned by the team member's organisation if they exist yet."""
    owner = User.objects.filter(email="team_member@example.org").first()
    return data_source(programme, owner=owner.organisation if owner else None)


def _dataset(programme: Programme, *, upto: str = "redacted", content: bytes | None = None):
    source = _data_source(programme)
    found = Dataset.objects.filter(data_source=source).first()
    if found is not None and content is None:
        return found
    with TemporaryDirectory() as folder:
        return stored_dataset(source, Path(folder), upto=upto, content=content)


def _workbook_dataset(programme: Programme) -> Dataset:
    """A workbook with two sheets, waiting for its owner to choose one."""
    book = openpyxl.Workbook()
    book.active.append(["a"])
    book.create_sheet("Second").append(["b"])
    buffer = BytesIO()
    book.save(buffer)
    with TemporaryDirectory() as folder:
        path = Path(folder) / "book.xlsx"
        path.write_bytes(buffer.getvalue())
        source = _data_source(programme)
        owner = User.objects.filter(email="team_member@example.org").first()
        if owner is None or owner.organisation_id != source.owner_id:
            owner = UserFactory(email="uploader@example.org", organisation=source.owner)
        return services.dataset_upload(
            data_source=source,
            user=owner,
            path=str(path),
            filename="book.xlsx",
        )


def _project_member(programme: Programme) -> ProjectMember:
    """Someone on the team of programme A's selected project."""
    return ProjectMember.objects.get_or_create(
        project=selected(programme),
        email="member@example.org",
        defaults={"name": "Morgan Member", "role": "Subject-matter expert", "expectations": "x"},
    )[0]


def _scoping_idea(programme: Programme) -> Idea:
    """Programme A's idea (the data source's), proposed by the VCS partner if they exist."""
    idea = _data_source(programme).idea
    proposer = User.objects.filter(email="vcs_partner@example.org").first()
    if proposer is not None and idea.proposer_id != proposer.pk:
        idea.proposer = proposer
        idea.save(update_fields=["proposer"])
    return idea


def _public_data_set(programme: Programme) -> ProgrammeDataSet:
    return ProgrammeDataSet.objects.get_or_create(
        programme=programme,
        name="Riverside open data",
        defaults={
            "publisher": "Riverside Council",
            "holds": "School places by ward",
            "kind": "Open data",
            "licence": "Open Government Licence v3.0",
            "url": "https://data.riverside.example/",
        },
    )[0]


def _scoping_session(programme: Programme) -> ScopingSession:
    """The idea's session next week; staff, if they exist, are invited to it."""
    staff = User.objects.filter(email="staff@example.org").first()
    invite = {staff: SessionRole.OTHER} if staff else None
    return session_for(_scoping_idea(programme), invite=invite)


def _idea_project(programme: Programme) -> Project:
    """Programme A's idea for the ideas pages, proposed by the VCS partner if they exist."""
    proposer = User.objects.filter(email="vcs_partner@example.org").first()
    idea, _ = Idea.objects.get_or_create(
        programme=programme,
        title="Who misses out on debt advice?",
        defaults={
            "problem": "Some villages never appear in our case records.",
            "proposer": proposer,
            "proposing_organisation": proposer.organisation if proposer else None,
        },
    )
    return idea.project


def _waiting_check(programme: Programme) -> SafetyCheck:
    """The evaluation check of programme A's data source, waiting for sign-off."""
    source = _data_source(programme)
    author = UserFactory(email="check-author@example.org")
    check = checks.check_start(
        idea=source.idea, stage=Stage.EVALUATION, author=author, data_source=source
    )
    if check.status == SafetyCheck.Status.DRAFT:
        check = checks.check_save(check=check, user=author, answers={}, submit=True)
    return check


def _approved_check(programme: Programme) -> SafetyCheck:
    """An approved solution check with a condition owned by the analyst (if they exist)."""
    idea = _data_source(programme).idea
    check = approved_check(idea, Stage.SOLUTION, author=UserFactory(email="author@example.org"))
    if not check.conditions.exists():
        owner = User.objects.filter(email="analyst@example.org").first() or _subject()
        check.conditions.create(
            text="Suppress wards under 10", owner=owner, due_date=date(2030, 1, 1)
        )
    return check


def _agreement(programme: Programme) -> SharingAgreement:
    found = SharingAgreement.objects.filter(programme=programme).first()
    return found or signed_agreement(_data_source(programme))


def _similar(programme: Programme) -> SimilarWork:
    return SimilarWork.objects.get_or_create(
        project=selected(programme), title="A borough map", defaults={"notes": "Ward map"}
    )[0]


def _research(programme: Programme) -> ResearchSession:
    return ResearchSession.objects.get_or_create(
        project=selected(programme),
        reached="Six volunteers",
        defaults={"held_on": timezone.localdate()},
    )[0]


def _solution(programme: Programme) -> SolutionIdea:
    """A solution idea with a sketch, on programme A's selected project."""
    found = SolutionIdea.objects.filter(project=selected(programme)).first()
    if found is not None:
        return found
    return SolutionIdea.objects.create(
        project=selected(programme),
        title="A ward map",
        kind=SolutionIdea.Kind.MAP,
        audience="Outreach workers",
        what_to_see="Wards where people stop coming",
        sketch_name=files.store(TINY_PNG),
        sketch_format="png",
        sketch_description="A map with three shaded wards",
    )


def _workshop(programme: Programme) -> Workshop:
    starts = timezone.now() + timedelta(days=14)
    return Workshop.objects.get_or_create(
        project=selected(programme),
        defaults={"starts_at": starts, "ends_at": starts + timedelta(hours=1), "place": "Library"},
    )[0]


def _feedback(programme: Programme) -> FeedbackItem:
    return FeedbackItem.objects.get_or_create(
        project=selected(programme), text="Hard to read on a phone", kind="accessibility"
    )[0]


def _insight(programme: Programme) -> Insight:
    """A draft insight with a table and a chart, on programme A's selected project."""
    project = selected(programme)
    found = project.insights.filter(published_at=None).first()
    if found is not None:
        return found
    insight = draft_insight(project)
    table = table_on(insight)
    insights.chart_add(insight=insight, table=table, kind="bar", title="Chart", description="D")
    return insight


def _published(programme: Programme) -> Insight:
    """A published insight with one table."""
    project = selected(programme)
    found = project.insights.exclude(published_at=None).first()
    if found is not None:
        return found
    insight = draft_insight(project, title="Published findings")
    table_on(insight)
    Insight.objects.filter(pk=insight.pk).update(published_at=timezone.now())
    insight.refresh_from_db()
    return insight


def _action(programme: Programme) -> Action:
    """A public action on the published insight, owned by an organisation no persona is in."""
    insight = _published(programme)
    found = insight.actions.first()
    if found is not None:
        return found
    return Action.objects.create(
        insight=insight,
        owner=OrganisationFactory(name=f"Owner of actions in {programme.slug}"),
        title="Open on Saturday mornings",
        due_date=timezone.localdate() + timedelta(days=60),
        public=True,
    )


def _actions_meeting(programme: Programme) -> ActionsMeeting:
    project = selected(programme)
    found = project.actions_meetings.first()
    if found is not None:
        return found
    starts = timezone.now() + timedelta(days=14)
    return ActionsMeeting.objects.create(
        project=project, starts_at=starts, ends_at=starts + timedelta(hours=2), place="Room 1"
    )


def _reflecting(programme: Programme) -> Project:
    """Programme A's earlier project, published and now reflecting."""
    return at(candidate(programme, "Who uses the warm spaces?"), Status.REFLECTING)


def _card(programme: Programme) -> RetroCard:
    """A card on the reflecting project's board, by the analyst once they exist."""
    project = _reflecting(programme)
    found = project.retro_cards.first()
    if found is not None:
        return found
    author = User.objects.filter(email="analyst@example.org").first()
    return RetroCard.objects.create(
        project=project, column="worked", text="Weekly check-ins", author=author
    )


def _lesson(programme: Programme) -> Lesson:
    return Lesson.objects.get_or_create(
        programme=programme,
        title="Book the data owners early",
        defaults={"step": "scoping", "body": "B"},
    )[0]


def _method_change(programme: Programme) -> MethodChange:
    return MethodChange.objects.get_or_create(
        programme=programme, version="1.1", defaults={"summary": "Checks start at scoping"}
    )[0]


def _team_member_of(programme: Programme) -> list[User]:
    """The team-member persona, if it exists and is on this programme's team."""
    return list(
        User.objects.filter(
            email="team_member@example.org", memberships__programme=programme
        ).distinct()
    )


def _started_plenary(programme: Programme) -> Plenary:
    return plenary_on(programme, title="Findings, as presented", days=-1 / 24)


def _plenary_registration(programme: Programme) -> PlenaryRegistration:
    return registration_on(plenary_on(programme), _subject())


def _draft_post(programme: Programme) -> BlogPost:
    return blog_post_on(programme, _team_member_of(programme))


def _submitted_post(programme: Programme) -> BlogPost:
    return blog_post_on(
        programme,
        _team_member_of(programme),
        title="A post waiting for review",
        status=BlogPost.Status.SUBMITTED,
    )


def _published_post(programme: Programme) -> BlogPost:
    return blog_post_on(
        programme, [_subject()], title="A published post", status=BlogPost.Status.PUBLISHED
    )


def _public_lesson(programme: Programme) -> Lesson:
    """A lesson the programme shares with everyone."""
    return Lesson.objects.get_or_create(
        programme=programme,
        title="Ask data owners early",
        defaults={
            "step": "scoping",
            "body": "Invite them to the first session.",
            "is_public": True,
        },
    )[0]


# Where redirects to built objects go: Redirect("built:<key>") is resolved with these.
REDIRECT_BUILDERS: dict[str, Callable[[Programme], str]] = {
    "built:solution_check_edit": lambda p: reverse(
        "safety:check_edit",
        args=[SafetyCheck.objects.get(stage=Stage.SOLUTION, status="draft").pk],
    ),
    "built:new_version_edit": lambda p: reverse(
        "safety:check_edit",
        args=[SafetyCheck.objects.get(stage=Stage.SOLUTION, version=2).pk],
    ),
    "built:dataset_progress": lambda p: reverse("safety:dataset_progress", args=[_dataset(p).pk]),
    "built:project_team": lambda p: reverse("projects:team", args=[selected(p).pk]),
    "built:scoping_session": lambda p: _scoping_session(p).get_absolute_url(),
    "built:scoping_inventory": lambda p: reverse(
        "scoping:data_sources", args=[_scoping_idea(p).pk]
    ),
    "built:scoping_skills": lambda p: reverse("scoping:skills", args=[_scoping_idea(p).pk]),
    "built:scoping_evaluation": lambda p: reverse("scoping:evaluation", args=[_scoping_idea(p).pk]),
    "built:booking_idea": lambda p: (
        Idea.objects.exclude(booking=None).get().project.get_absolute_url()
    ),
    "built:similar_work": lambda p: reverse("projects:similar_work", args=[selected(p).pk]),
    "built:solutions": lambda p: reverse("projects:solutions", args=[selected(p).pk]),
    "built:solution": lambda p: _solution(p).get_absolute_url(),
    "built:insight": lambda p: _insight(p).get_absolute_url(),
    "built:actions_meeting": lambda p: _actions_meeting(p).get_absolute_url(),
    "built:action_pack": lambda p: reverse("projects:action_pack", args=[selected(p).pk]),
    "built:sharing": lambda p: reverse("projects:sharing", args=[p.slug]),
    "built:started_plenary": lambda p: _started_plenary(p).get_absolute_url(),
    "built:plenary_registration": lambda p: _plenary_registration(p).get_absolute_url(),
    "built:workshop_book": lambda p: reverse(
        "projects:workshop_book", args=[selected(p).pk, _workshop(p).pk]
    ),
    "built:reflections": lambda p: reverse("projects:reflections", args=[_reflecting(p).pk]),
    "built:board": lambda p: reverse("projects:board", args=[_reflecting(p).pk]),
}


# Arguments for URLs that take them. Keys are deliberately invalid.
KWARGS: dict[str, Callable[[Programme], dict[str, object]]] = {
    "dashboard_tasks": lambda _: {"group": "candidates-to-score"},
    # Selection.
    "projects:score": lambda p: {"pk": candidate(p).pk},
    "projects:selection": lambda p: {"slug": p.slug},
    "projects:selection_decide": lambda p: {"slug": p.slug},
    **{
        name: lambda p: {"pk": selected(p).pk}
        for name in ("projects:team", "projects:announce", "projects:interest")
    },
    "projects:team_member_remove": lambda p: {
        "pk": selected(p).pk,
        "member_pk": _project_member(p).pk,
    },
    **{
        name: lambda programme: {"slug": programme.slug}
        for name in (
            "teams:programme",
            "teams:programme_edit",
            "teams:member_add",
            "teams:introductions",
            "teams:ways_of_working",
            "teams:ways_of_working_edit",
            "landing:programme",
            "landing:news",
            "landing:news_feed",
            "landing:news_new",
            "landing:subscribe",
            "teams:office_hours",
            "teams:office_hours_publish",
        )
    },
    "teams:office_hours_slot_cancel": lambda p: {"slug": p.slug, "pk": _slot(p).pk},
    "teams:office_hours_book": lambda p: {"slug": p.slug, "pk": _slot(p).pk},
    "teams:office_hours_attendance": lambda p: {"slug": p.slug, "pk": _booking(p).pk},
    "teams:booking_detail": lambda p: {"pk": _booking(p).pk},
    "teams:booking_cancel": lambda p: {"pk": _booking(p).pk},
    "teams:booking_move": lambda p: {"pk": _booking(p).pk},
    "teams:booking_calendar": lambda p: {"pk": _booking(p).pk},
    "landing:news_post": lambda programme: {"slug": programme.slug, "post": _news(programme).slug},
    "landing:news_edit": lambda programme: {"slug": programme.slug, "post": _news(programme).slug},
    "landing:principle_edit": lambda programme: {
        "slug": programme.slug,
        "position": programme.principles.first().position,
    },
    "landing:subscription_confirm": lambda p: {"slug": p.slug, "token": "not-a-real-token"},
    "landing:unsubscribe": lambda p: {"slug": p.slug, "token": "not-a-real-token"},
    "teams:membership_end": lambda programme: {
        "slug": programme.slug,
        "pk": MembershipFactory(
            programme=programme, user=UserFactory(email="leaver@example.org")
        ).pk,
    },
    "safety:dataset_upload": lambda p: {"source_pk": _data_source(p).pk},
    "safety:dataset_sheet": lambda p: {"pk": _workbook_dataset(p).pk},
    **{
        name: lambda p: {"pk": _dataset(p).pk}
        for name in (
            "safety:dataset_progress",
            "safety:dataset_try_again",
            "safety:dataset_report",
            "safety:dataset_remedies",
            "safety:dataset_download_raw",
            "safety:dataset_download_redacted",
        )
    },
    # Safety checks and agreements.
    "safety:data_source": lambda p: {"pk": _data_source(p).pk},
    **{
        name: lambda p: {"idea_pk": _data_source(p).idea_id}
        for name in ("safety:idea_checks", "safety:evidence_pack", "safety:evidence_pack_pdf")
    },
    "safety:check_start": lambda p: {"idea_pk": _data_source(p).idea_id, "stage": "solution"},
    **{
        name: lambda p: {"pk": _waiting_check(p).pk}
        for name in ("safety:check", "safety:check_edit", "safety:check_sign_off")
    },
    "safety:check_new_version": lambda p: {"pk": _approved_check(p).pk},
    "safety:condition": lambda p: {"pk": _approved_check(p).conditions.get().pk},
    **{
        name: lambda p: {"slug": p.slug}
        for name in ("safety:agreement_list", "safety:agreement_new")
    },
    **{
        name: lambda p: {"pk": _agreement(p).pk}
        for name in (
            "safety:agreement",
            "safety:agreement_edit",
            "safety:agreement_document",
            "safety:agreement_download",
            "safety:agreement_end",
        )
    },
    # Scoping.
    **{
        name: lambda p: {"idea_pk": _scoping_idea(p).pk}
        for name in (
            "scoping:overview",
            "scoping:session_new",
            "scoping:data_sources",
            "scoping:data_source_new",
            "scoping:skills",
            "scoping:skills_suggest",
            "scoping:skill_new",
            "scoping:evaluation",
            "scoping:evaluation_edit",
        )
    },
    "scoping:evaluation_share": lambda p: {
        "idea_pk": complete_evaluation(_scoping_idea(p)).idea_id
    },
    **{
        name: lambda p: {"pk": _scoping_session(p).pk}
        for name in (
            "scoping:session",
            "scoping:session_record",
            "scoping:session_change",
            "scoping:session_invite",
            "scoping:session_preparation",
            "scoping:session_question",
        )
    },
    "scoping:invitation_remove": lambda p: {
        "pk": _scoping_session(p).pk,
        "invitation_pk": SessionInvitation.objects.create(
            session=_scoping_session(p), user=_subject(), role=SessionRole.OTHER
        ).pk,
    },
    "scoping:data_source_edit": lambda p: {"pk": source_on(_scoping_idea(p), "Editable").pk},
    "scoping:data_source_remove": lambda p: {"pk": source_on(_scoping_idea(p), "Removable").pk},
    "scoping:public_data": lambda p: {"slug": p.slug},
    "scoping:public_data_remove": lambda p: {"slug": p.slug, "pk": _public_data_set(p).pk},
    "scoping:skill_edit": lambda p: {"pk": skill_on(_scoping_idea(p)).pk},
    "scoping:skill_remove": lambda p: {"pk": skill_on(_scoping_idea(p)).pk},
    # Ideas.
    **{name: lambda p: {"slug": p.slug} for name in ("projects:idea_new", "projects:idea_queue")},
    "projects:idea_from_booking": lambda p: {"pk": _booking(p).pk},
    **{
        name: lambda p: {"pk": _idea_project(p).pk}
        for name in ("projects:project", "projects:idea_message", "projects:idea_merge")
    },
    "projects:move": lambda p: {"pk": _idea_project(p).pk, "action": "withdraw"},
    # Exploring, testing and publishing.
    **{
        name: lambda p: {"pk": selected(p).pk}
        for name in (
            "projects:solutions",
            "projects:similar_work",
            "projects:research",
            "projects:research_new",
            "projects:solution_new",
            "projects:workshops",
            "projects:workshop_new",
            "projects:feedback",
            "projects:feedback_new",
            "projects:final_checks",
            "projects:insight_new",
            "projects:boundaries",
        )
    },
    "projects:similar_work_remove": lambda p: {"pk": selected(p).pk, "item": _similar(p).pk},
    "projects:research_edit": lambda p: {"pk": selected(p).pk, "item": _research(p).pk},
    **{
        name: lambda p: {"pk": selected(p).pk, "item": _solution(p).pk}
        for name in (
            "projects:solution",
            "projects:solution_edit",
            "projects:solution_sketch",
            "projects:solution_skills",
        )
    },
    **{
        name: lambda p: {"pk": selected(p).pk, "item": _workshop(p).pk}
        for name in ("projects:workshop", "projects:workshop_book")
    },
    "projects:feedback_edit": lambda p: {"pk": selected(p).pk, "item": _feedback(p).pk},
    **{
        name: lambda p: {"pk": selected(p).pk, "item": _insight(p).pk}
        for name in (
            "projects:insight",
            "projects:insight_edit",
            "projects:insight_ready",
            "projects:insight_table_upload",
            "projects:insight_table_from_dataset",
            "projects:insight_chart_new",
            "projects:insight_map_new",
        )
    },
    "projects:insight_part_remove": lambda p: {
        "pk": selected(p).pk,
        "item": _insight(p).pk,
        "part": "figures",
        "part_pk": _insight(p).figures.get().pk,
    },
    # Insights to actions.
    **{
        name: lambda p: {"pk": _published(p).project_id}
        for name in (
            "projects:actions",
            "projects:action_interest",
            "projects:actions_meeting_new",
            "projects:action_pack",
            "projects:action_pack_pdf",
            "projects:action_new",
        )
    },
    **{
        name: lambda p: {"pk": selected(p).pk, "item": _actions_meeting(p).pk}
        for name in ("projects:actions_meeting", "projects:actions_meeting_edit")
    },
    **{
        name: lambda p: {"pk": selected(p).pk, "item": _action(p).pk}
        for name in ("projects:action", "projects:action_edit")
    },
    "landing:insight_interest": lambda p: {"slug": p.slug, "insight": _published(p).slug},
    **{
        name: lambda p: {"pk": _reflecting(p).pk}
        for name in (
            "projects:reflections",
            "projects:survey_open",
            "projects:survey_results",
            "projects:board",
        )
    },
    "projects:survey_link": lambda _: {"token": "not-a-real-token"},
    **{
        name: lambda p: {"pk": _reflecting(p).pk, "card": _card(p).pk}
        for name in (
            "projects:card_edit",
            "projects:card_delete",
            "projects:card_merge",
            "projects:card_action",
        )
    },
    **{
        name: lambda p: {"slug": p.slug}
        for name in (
            "projects:programme_reflections",
            "projects:lessons",
            "projects:lesson_new",
            "projects:method_changes",
            "landing:method_changes",
        )
    },
    **{
        name: lambda p: {"slug": p.slug, "item": _lesson(p).pk}
        for name in ("projects:lesson", "projects:lesson_edit")
    },
    "projects:method_change_edit": lambda p: {"slug": p.slug, "item": _method_change(p).pk},
    "landing:insights": lambda p: {"slug": p.slug},
    "landing:insight": lambda p: {"slug": p.slug, "insight": _published(p).slug},
    "landing:insight_pdf": lambda p: {"slug": p.slug, "insight": _published(p).slug},
    **{
        name: lambda p: {
            "slug": p.slug,
            "insight": _published(p).slug,
            "table": _published(p).tables.get().pk,
        }
        for name in ("landing:insight_csv", "landing:insight_json", "landing:insight_csvw")
    },
    # Sharing.
    **{
        name: lambda p: {"slug": p.slug}
        for name in (
            "projects:sharing",
            "projects:plenary_new",
            "projects:blog_new",
            "landing:blog",
        )
    },
    "projects:plenary": lambda p: {"slug": p.slug, "pk": _started_plenary(p).pk},
    **{
        name: lambda p: {"slug": p.slug, "pk": plenary_on(p).pk}
        for name in ("projects:plenary_register", "projects:plenary_cancel")
    },
    **{
        name: lambda p: {"pk": _plenary_registration(p).pk}
        for name in (
            "projects:plenary_registration",
            "projects:plenary_registration_calendar",
            "projects:plenary_registration_cancel",
        )
    },
    **{
        name: lambda p: {"pk": _draft_post(p).pk}
        for name in (
            "projects:blog_post",
            "projects:blog_edit",
            "projects:blog_authors",
            "projects:blog_submit",
            "projects:blog_delete",
        )
    },
    "projects:blog_review": lambda p: {"pk": _submitted_post(p).pk},
    "landing:blog_post": lambda p: {"slug": p.slug, "post": _published_post(p).slug},
    "api:programme": lambda p: {"slug": p.slug},
    "api:insight": lambda p: {"programme": p.slug, "slug": _published(p).slug},
    "api:data_source": lambda p: {"pk": _published(p).tables.get().pk},
    "api:lesson": lambda p: {"pk": _public_lesson(p).pk},
    "landing:national_lesson": lambda p: {"pk": _public_lesson(p).pk},
    "account_confirm_email": lambda _: {"key": "not-a-real-key"},
    "account_reset_password_from_key": lambda _: {"uidb36": "zz", "key": "not-a-real-key"},
}

# ----------------------------------------------------------------------------------------------
# Django admin. Only admins (is_staff) get in; everyone else is sent to the admin sign-in, which
# sends anonymous visitors to the service's own sign-in (with MFA) and refuses non-staff.
# ----------------------------------------------------------------------------------------------
not_admin = row(ADMIN_LOGIN, admin=200)

ADMIN_SITE: dict[str, dict[str, dict[str, Expect]]] = {
    "admin:index": both(not_admin),
    # Signed-in admins are sent on (an empty POST shows the form again); anonymous visitors go
    # to the service's own sign-in, so MFA and rate limits apply; anyone else is refused.
    "admin:login": {
        GET: row(403, anonymous=LOGIN, admin=Redirect("admin:index")),
        POST: row(403, anonymous=LOGIN, admin=200),
    },
    # Signing out of the admin needs POST; people who are not admins are sent to its front door.
    "admin:logout": {
        GET: row(Redirect("admin:index"), admin=405),
        POST: row(Redirect("admin:index"), admin=200),
    },
    "admin:password_change": both(not_admin),
    "admin:password_change_done": {GET: not_admin, POST: row(ADMIN_LOGIN, admin=405)},
    "admin:jsi18n": {GET: not_admin, POST: row(ADMIN_LOGIN, admin=405)},
    # Without a field to complete, the autocomplete view refuses even admins.
    "admin:autocomplete": {GET: row(ADMIN_LOGIN, admin=403), POST: row(ADMIN_LOGIN, admin=405)},
    "admin:app_list": both(not_admin),
    "admin:view_on_site": both(row(ADMIN_LOGIN, admin=PROGRAMME_A_PAGE)),
    "admin:catch_all": both(row(ADMIN_LOGIN, admin=404)),
}

# What an admin gets from each view of a registered model. POSTs are empty: add and change show
# form errors, delete shows its confirmation again (an empty POST is not a confirmation).
ADMIN_MODEL_VIEWS = ("changelist", "add", "change", "delete", "history", "object_redirect")
ADMIN_MODEL_DEFAULT: dict[str, dict[str, Expect]] = {
    "changelist": both(200),
    "add": both(200),
    "change": both(200),
    "delete": both(200),
    "history": both(200),
    "object_redirect": both(Redirect("admin:{app}_{model}_change")),
}
ADMIN_MODEL_EXCEPTIONS: dict[tuple[str, str], dict[str, Expect]] = {
    # The audit log is read-only: nobody adds, edits or deletes history.
    ("auditlog.logentry", "add"): both(403),
    ("auditlog.logentry", "change"): {GET: 200, POST: 403},
    ("auditlog.logentry", "delete"): both(403),
    # Heartbeats are written by workers only. Every field is read-only, so saving changes nothing.
    # Datasets arrive by upload and leave at their retention date; their copies and access log
    # are written by the service only. An admin may change a dataset's retention date (required,
    # so an empty POST shows the form again).
    ("safety.dataset", "add"): both(403),
    ("safety.dataset", "delete"): both(403),
    ("safety.redactedcopy", "add"): both(403),
    ("safety.redactedcopy", "change"): {GET: 200, POST: 403},
    ("safety.redactedcopy", "delete"): both(403),
    ("safety.datasetaccess", "add"): both(403),
    ("safety.datasetaccess", "change"): {GET: 200, POST: 403},
    ("safety.datasetaccess", "delete"): both(403),
    # Projects come with their ideas and go with them; their status moves only on the project
    # page. (An empty POST to change lacks the history inline's management form: shown again.)
    ("projects.project", "add"): both(403),
    ("projects.project", "delete"): both(403),
    # Key rotations are written by the command only; every field is read-only.
    ("safety.keyrotation", "add"): both(403),
    ("safety.keyrotation", "delete"): both(403),
    ("safety.keyrotation", "change"): {
        GET: 200,
        POST: Redirect("admin:safety_keyrotation_changelist"),
    },
    ("cip.workerheartbeat", "add"): both(403),
    ("cip.workerheartbeat", "change"): {
        GET: 200,
        POST: Redirect("admin:cip_workerheartbeat_changelist"),
    },
}


# Read-only in the admin: checks, agreements and the records of phases 3 and 4 change only on the
# service's own pages (see cip.admin.ReadOnlyAdmin).
READ_ONLY_IN_ADMIN = (
    "safety.safetycheck",
    "safety.checkcondition",
    "safety.sharingagreement",
    "projects.insight",
    "projects.testingworkshop",
    "projects.workshopbooking",
    "projects.feedbackitem",
    "projects.action",
    "projects.plenary",
    "projects.plenaryregistration",
    "projects.blogpost",
    "projects.lesson",
    "projects.methodchange",
)
for _label in READ_ONLY_IN_ADMIN:
    ADMIN_MODEL_EXCEPTIONS |= {
        (_label, "add"): both(403),
        (_label, "change"): {GET: 200, POST: 403},
        (_label, "delete"): both(403),
    }


def _subject() -> User:
    return UserFactory(email="subject@example.org")


def _interval() -> IntervalSchedule:
    return IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.HOURS)[0]


# How to make one real object of every model registered in the admin. A newly registered model
# without a builder here fails test_every_admin_pattern_is_exercised.
ADMIN_OBJECTS: dict[str, Callable[[Programme], Model]] = {
    # Selection.
    "projects.selectionscore": lambda programme: SelectionScore.objects.create(
        project=candidate(programme), scorer=_subject(), criterion=Criterion.IMPACT, score=4
    ),
    "projects.projectmember": _project_member,
    "projects.interestregistration": lambda programme: InterestRegistration.objects.create(
        project=selected(programme), user=_subject(), organisation_name="Org", message="Help"
    ),
    "auth.group": lambda _: Group.objects.get(name="Staff"),
    "account.emailaddress": lambda _: EmailAddress.objects.get(user=_subject()),
    "mfa.authenticator": lambda _: Authenticator.objects.create(
        user=_subject(), type=Authenticator.Type.RECOVERY_CODES, data={"seed": "00", "used_mask": 0}
    ),
    "django_celery_beat.periodictask": lambda _: PeriodicTask.objects.create(
        name="nightly", task="cip.tasks.nothing", interval=_interval()
    ),
    "django_celery_beat.clockedschedule": lambda _: ClockedSchedule.objects.create(
        clocked_time=timezone.now() + timedelta(days=1)
    ),
    "django_celery_beat.crontabschedule": lambda _: CrontabSchedule.objects.create(minute="0"),
    "django_celery_beat.solarschedule": lambda _: SolarSchedule.objects.create(
        event="sunrise", latitude=51.5, longitude=-0.1
    ),
    "django_celery_beat.intervalschedule": lambda _: _interval(),
    "auditlog.logentry": lambda programme: LogEntry.objects.get_for_object(programme).first(),
    "cip.workerheartbeat": lambda _: WorkerHeartbeat.record(hostname="worker-1"),
    "projects.project": _idea_project,
    "scoping.idea": lambda programme: _data_source(programme).idea,
    "scoping.datasource": _data_source,
    "scoping.scopingsession": _scoping_session,
    "scoping.skillneed": lambda programme: skill_on(_scoping_idea(programme)),
    "scoping.programmedataset": _public_data_set,
    "scoping.evaluationsummary": lambda programme: complete_evaluation(_scoping_idea(programme)),
    "safety.dataset": _dataset,
    "safety.redactedcopy": lambda programme: _dataset(programme).redacted_copies.get(),
    "safety.datasetaccess": lambda programme: DatasetAccess.objects.create(
        dataset=_dataset(programme), user=_subject(), what="raw", purpose="Checking the export"
    ),
    "safety.postcodehouseholds": lambda _: PostcodeHouseholds.objects.create(
        postcode="NW5 1TL", households=12
    ),
    "safety.safetysettings": lambda programme: SafetySettings.objects.create(programme=programme),
    "safety.safetycheck": _approved_check,
    "safety.checkcondition": lambda programme: CheckCondition.objects.create(
        safety_check=_approved_check(programme),
        text="Delete the extract after the analysis",
        owner=_subject(),
        due_date=timezone.localdate() + timedelta(days=30),
    ),
    "safety.sharingagreement": _agreement,
    "projects.insight": _insight,
    "projects.testingworkshop": _workshop,
    "projects.workshopbooking": lambda programme: WorkshopBooking.objects.create(
        workshop=_workshop(programme), user=_subject()
    ),
    "projects.feedbackitem": _feedback,
    "projects.action": _action,
    "projects.plenary": lambda programme: plenary_on(programme),
    "projects.plenaryregistration": _plenary_registration,
    "projects.blogpost": _published_post,
    "projects.lesson": _lesson,
    "projects.methodchange": _method_change,
    "safety.keyrotation": lambda _: KeyRotation.objects.create(key_fingerprint="0123456789abcdef"),
    "teams.user": lambda _: _subject(),
    "teams.organisation": lambda _: OrganisationFactory(name="Subject organisation"),
    "teams.programme": lambda programme: programme,
    "teams.membership": lambda programme: MembershipFactory(programme=programme, user=_subject()),
    "landing.newspost": _news,
    "teams.officehourslot": _slot,
    "teams.officehourbooking": _booking,
    "landing.principle": lambda programme: programme.principles.first(),
    "landing.updatesubscription": lambda programme: UpdateSubscription.objects.create(
        programme=programme, email="reader@example.org"
    ),
    "landing.newsdelivery": lambda programme: NewsDelivery.objects.create(
        post=_news(programme),
        subscription=UpdateSubscription.objects.create(
            programme=programme, email="delivered@example.org"
        ),
    ),
}


def _admin_url(model: type[Model], view: str, obj: Model) -> str:
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    if view in ("changelist", "add"):
        return reverse(f"{info}_{view}")
    if view == "object_redirect":
        return reverse(f"{info}_change", args=[obj.pk]).removesuffix("change/")
    return reverse(f"{info}_{view}", args=[obj.pk])


def _admin_site_url(name: str, programme: Programme, user: User) -> str:
    if name == "admin:app_list":
        return reverse(name, kwargs={"app_label": "teams"})
    if name == "admin:view_on_site":
        content_type = ContentType.objects.get_for_model(Programme)
        return reverse(name, args=[content_type.pk, programme.pk])
    if name == "admin:catch_all":
        return "/admin/no-such-page/"
    return reverse(name)


ADMIN_MODELS = sorted(f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry)
# Admin patterns outside the per-model views above, each reached by a URL this file builds.
ADMIN_EXTRA_URLS: dict[str, Callable[[dict[str, Model]], str]] = {
    "admin:auth_user_password_change": lambda objects: reverse(
        "admin:auth_user_password_change", args=[objects["teams.user"].pk]
    ),
}
ADMIN_EXTRA: dict[str, dict[str, dict[str, Expect]]] = {
    "admin:auth_user_password_change": {GET: not_admin, POST: not_admin},
}


# ----------------------------------------------------------------------------------------------
# Walking the URL configuration.
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Pattern:
    route: str
    name: str | None
    converters: tuple[tuple[str, str], ...] = ()  # (argument, converter class name) pairs

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")


def _walk(patterns, prefix: str = "", namespace: str | None = None) -> Iterator[Pattern]:
    for pattern in patterns:
        route = URLResolver._join_route(prefix, str(pattern.pattern))
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            converters = getattr(pattern.pattern, "converters", {})
            yield Pattern(
                route, name, tuple((arg, type(c).__name__) for arg, c in converters.items())
            )


ALL_PATTERNS = list(_walk(get_resolver().url_patterns))


def url_for(name: str, programme: Programme) -> str:
    """A concrete URL for a named pattern, with programme A (or KWARGS) filling its arguments."""
    return reverse(name, kwargs=KWARGS.get(name, lambda _: {})(programme))


def test_every_url_pattern_has_a_decision() -> None:
    undecided = sorted(
        p.name or f"<unnamed> {p.route}"
        for p in ALL_PATTERNS
        if not p.is_admin and (p.name is None or p.name not in MATRIX)
    )
    assert not undecided, (
        "These URL patterns have no row in tests/test_url_matrix.py MATRIX; decide who may "
        "open them:\n  " + "\n  ".join(undecided)
    )


def test_matrix_has_no_stale_rows() -> None:
    names = {p.name for p in ALL_PATTERNS}
    stale = sorted(set(MATRIX) - names)
    assert not stale, f"MATRIX rows for URL names that no longer exist: {stale}"


@pytest.mark.django_db
def test_every_admin_pattern_is_exercised(programme_a: Programme) -> None:
    missing_builders = sorted(set(ADMIN_MODELS) - set(ADMIN_OBJECTS))
    assert not missing_builders, (
        f"Models registered in the admin with no builder in ADMIN_OBJECTS: {missing_builders}"
    )
    objects = {label: ADMIN_OBJECTS[label](programme_a) for label in ADMIN_MODELS}
    urls = [_admin_site_url(name, programme_a, objects["teams.user"]) for name in ADMIN_SITE]
    urls += [build(objects) for build in ADMIN_EXTRA_URLS.values()]
    for label in ADMIN_MODELS:
        obj = objects[label]
        urls += [_admin_url(type(obj), view, obj) for view in ADMIN_MODEL_VIEWS]
    exercised = {resolve(url).route for url in urls}
    unexercised = sorted(p.route for p in ALL_PATTERNS if p.is_admin and p.route not in exercised)
    assert not unexercised, (
        "Admin URL patterns that test_url_matrix.py never requests; add them to ADMIN_SITE, "
        "ADMIN_EXTRA or ADMIN_MODEL_VIEWS:\n  " + "\n  ".join(unexercised)
    )


# ----------------------------------------------------------------------------------------------
# The requests.
# ----------------------------------------------------------------------------------------------
def _check(response, expected: Expect, url: str) -> None:
    where = response.get("Location", "")
    if isinstance(expected, int):
        assert response.status_code == expected, (
            f"expected {expected}, got {response.status_code} {where}".strip()
        )
        return
    target = expected.to if expected.to.startswith("/") else resolve_url(expected.to)
    assert response.status_code == 302, f"expected {expected!r}, got {response.status_code}"
    location = urlsplit(where)
    assert location.path == urlsplit(target).path, f"expected {expected!r}, got 302→{where}"
    if expected.next_is_request:
        assert parse_qs(location.query).get("next") == [url], f"?next= lost in {where}"


# Anonymous pages that are private all the same (besides everything under /accounts/ and /admin/).
ANONYMOUS_PRIVATE = {"healthz"}


def _check_caching(response, who: str, name: str, url: str) -> None:
    """Pages for someone signed in are never stored; public pages for anonymous visitors stay
    cacheable (a shared cache may keep them)."""
    cache_control = response.get("Cache-Control", "")
    if who != "anonymous":
        assert "no-store" in cache_control and "private" in cache_control, cache_control
    elif response.status_code == 200:
        private = url.startswith(("/accounts/", "/admin/")) or name in ANONYMOUS_PRIVATE
        assert ("no-store" in cache_control) == private, cache_control


def _request(client, method: str, url: str):
    return client.get(url) if method == GET else client.post(url)


# ----------------------------------------------------------------------------------------------
# The shared worlds. Each case sees programmes A and B and its own persona only (builders give a
# persona what it owns when it exists), as if made afresh for it, but they are made once per module
# and once per persona: making them per case took about a third of the module's time. Every case
# runs in a savepoint of its persona's world (pytest-django's `db`), rolled back after it.
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class World:
    """A persona in programmes A and B, read afresh from the database for each case, and the
    session it signed in with (each case's changes to it are rolled back with the case's)."""

    who: str
    user_pk: int | None
    programme_a_pk: int
    programme_b_pk: int
    session_key: str | None

    def client(self) -> Client:
        """A new client in the persona's session (anonymous: none)."""
        client = Client()
        if self.session_key is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.session_key
        return client

    @property
    def user(self) -> User | None:
        return None if self.user_pk is None else User.objects.get(pk=self.user_pk)

    @property
    def programme_a(self) -> Programme:
        return Programme.objects.get(pk=self.programme_a_pk)

    @property
    def programme_b(self) -> Programme:
        return Programme.objects.get(pk=self.programme_b_pk)


class _RolledBack:
    """A transaction (or savepoint) opened in a fixture's setup and rolled back at its teardown,
    with database access allowed only while it opens and closes."""

    def __init__(self, blocker) -> None:
        self.blocker = blocker
        self.atomic = transaction.atomic()

    def open(self) -> None:
        with self.blocker.unblock():
            self.atomic.__enter__()

    def close(self) -> None:
        with self.blocker.unblock():
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def _programmes(django_db_setup, django_db_blocker) -> Iterator[tuple[Programme, Programme]]:
    rolled_back = _RolledBack(django_db_blocker)
    rolled_back.open()
    with django_db_blocker.unblock():
        programme_a = factories.ProgrammeFactory(
            name="Riverside Community Insights", slug="riverside", place="Riverside"
        )
        programme_b = factories.ProgrammeFactory(
            name="Hillside Community Insights", slug="hillside", place="Hillside"
        )
    yield programme_a, programme_b
    rolled_back.close()


@pytest.fixture(scope="module")
def world(request, _programmes, django_db_blocker) -> Iterator[World]:
    """Parametrised indirectly with a persona's name; pytest orders the cases persona by persona,
    so each world is made once."""
    programme_a, programme_b = _programmes
    rolled_back = _RolledBack(django_db_blocker)
    rolled_back.open()
    # The suite's fast hasher (tests/conftest.py sets it per test, after this runs).
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        user = make_persona(request.param, programme_a=programme_a, programme_b=programme_b)
        # Signed in once: the session lasts SESSION_COOKIE_AGE (30 minutes), far longer than a
        # persona's cases take, and no case's change to it outlives the case.
        session_key = _client_for(user).session.session_key if user else None
    yield World(request.param, user and user.pk, programme_a.pk, programme_b.pk, session_key)
    rolled_back.close()


def _client_for(user: User | None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def _every(personas: tuple[str, ...]):
    """Cases for each of these personas, in their shared worlds (the id ends with the persona)."""
    return pytest.mark.parametrize("world", personas, indirect=True)


@pytest.mark.django_db
@_every(PERSONAS)
@pytest.mark.parametrize(("name", "method"), [(n, m) for n in MATRIX for m in (GET, POST)])
def test_url(name, method, world: World) -> None:
    programme_a = world.programme_a
    url = url_for(name, programme_a)
    response = _request(world.client(), method, url)
    expected = MATRIX[name][method][world.who]
    if expected == PROGRAMME_A_PAGE:
        expected = Redirect(programme_a.get_absolute_url())
    if isinstance(expected, Redirect) and expected.to in REDIRECT_BUILDERS:
        expected = Redirect(REDIRECT_BUILDERS[expected.to](programme_a))
    _check(response, expected, url)
    _check_caching(response, world.who, name, url)


@pytest.mark.django_db
@_every(PERSONAS)
@pytest.mark.parametrize(
    ("name", "method"), [(n, m) for n in (ADMIN_SITE | ADMIN_EXTRA) for m in (GET, POST)]
)
def test_admin_site_url(name, method, world: World) -> None:
    user, programme_a, who = world.user, world.programme_a, world.who
    if name in ADMIN_EXTRA_URLS:
        url = ADMIN_EXTRA_URLS[name]({"teams.user": _subject()})
        expected = ADMIN_EXTRA[name][method][who]
    else:
        url = _admin_site_url(name, programme_a, user)
        expected = ADMIN_SITE[name][method][who]
        if expected == PROGRAMME_A_PAGE:
            expected = Redirect(programme_a.get_absolute_url())
    response = _request(world.client(), method, url)
    _check(response, expected, url)
    _check_caching(response, who, name, url)


# Every persona meets the admin's one gate (is_staff) on the site pages above. Per model, the gate
# is the same code, so it is checked with anonymous visitors and the facilitator (the most trusted
# person who is not an admin).
ADMIN_MODEL_PERSONAS = ("anonymous", "facilitator", "admin")


@pytest.mark.django_db
@_every(ADMIN_MODEL_PERSONAS)
@pytest.mark.parametrize(
    ("label", "view", "method"),
    [
        pytest.param(label, view, method, id=f"admin:{label}:{view}-{method}")
        for label in ADMIN_MODELS
        for view in ADMIN_MODEL_VIEWS
        for method in (GET, POST)
    ],
)
def test_admin_model_url(label, view, method, world: World) -> None:
    if label not in ADMIN_OBJECTS:
        pytest.fail(f"{label} is registered in the admin but has no builder in ADMIN_OBJECTS")
    obj = ADMIN_OBJECTS[label](world.programme_a)
    model = type(obj)
    url = _admin_url(model, view, obj)
    if world.who != "admin":
        expected: Expect = ADMIN_LOGIN
    else:
        decision = ADMIN_MODEL_EXCEPTIONS.get((label, view), ADMIN_MODEL_DEFAULT[view])
        expected = decision[method]
        if isinstance(expected, Redirect) and "{" in expected.to:
            meta = model._meta
            expected = Redirect(
                reverse(
                    expected.to.format(app=meta.app_label, model=meta.model_name), args=[obj.pk]
                )
            )
    _check(_request(world.client(), method, url), expected, url)


# ----------------------------------------------------------------------------------------------
# States between signed in and not: every URL in MATRIX (and the admin's own pages) once more.
# ----------------------------------------------------------------------------------------------
# Password given, code not yet: the facilitator (and, for the admin's pages, an admin) is no more
# signed in than an anonymous visitor, except on the page that asks for the code.
MFA_PENDING: dict[str, dict[str, Expect]] = {
    "mfa_authenticate": both(200),  # the code page (an empty POST: "Enter the 6-digit code")
    "account_login": both(Redirect("mfa_authenticate")),  # back to the code, not a new sign-in
}
# An account deactivated while signed in: its old session is worth nothing anywhere.
DEACTIVATED: dict[str, dict[str, Expect]] = {}


def _mfa_pending(user: User) -> Client:
    client = Client()
    credentials = {"login": user.email, "password": factories.PASSWORD}
    response = client.post(reverse("account_login"), credentials)
    assert response["Location"] == reverse("mfa_authenticate")
    return client


def _deactivated(user: User) -> Client:
    client = Client()
    client.force_login(user)
    # As a script or a bulk update might: no signal fires, so the session is still stored.
    User.objects.filter(pk=user.pk).update(is_active=False)
    return client


STATES = {"mfa_pending": (_mfa_pending, MFA_PENDING), "deactivated": (_deactivated, DEACTIVATED)}


def _state_cases(names) -> list:
    return [
        pytest.param(state, name, method, id=f"{state}-{name}-{method}")
        for state in STATES
        for name in names
        for method in (GET, POST)
    ]


def _in_between_state(state: str, name: str, method: str, world: World) -> None:
    user, programme_a = world.user, world.programme_a
    make_client, differences = STATES[state]
    client = make_client(user)
    if name in ADMIN_SITE:
        url = _admin_site_url(name, programme_a, user)
        expected = ADMIN_SITE[name][method]["anonymous"]
    else:
        url = url_for(name, programme_a)
        expected = differences.get(name, {}).get(method, MATRIX[name][method]["anonymous"])
    if isinstance(expected, Redirect) and expected.to in REDIRECT_BUILDERS:
        expected = Redirect(REDIRECT_BUILDERS[expected.to](programme_a))
    _check(_request(client, method, url), expected, url)
    assert SESSION_KEY not in client.session  # nothing signed them in on the way


@pytest.mark.django_db
@_every(("facilitator",))
@pytest.mark.parametrize(("state", "name", "method"), _state_cases(MATRIX))
def test_url_in_between_state(state, name, method, world: World) -> None:
    _in_between_state(state, name, method, world)


@pytest.mark.django_db
@_every(("admin",))
@pytest.mark.parametrize(("state", "name", "method"), _state_cases(ADMIN_SITE))
def test_admin_url_in_between_state(state, name, method, world: World) -> None:
    _in_between_state(state, name, method, world)


# ----------------------------------------------------------------------------------------------
# Across programmes: every URL that names an object, built from programme B's objects and opened
# by each member of programme A's team, answers 404: never 200, 403 or 500.
# ----------------------------------------------------------------------------------------------
# Pages anyone may open (the anonymous column says 200) are public in every programme. These
# others are open to everyone signed in (booking an open slot, suggesting an idea, registering
# interest in an announced project or in acting on an insight): across programmes, as for
# someone on no team.
# interest in an announced project): across programmes, as for someone on no team.
OPEN_IN_EVERY_PROGRAMME = {
    "teams:office_hours_book",
    "projects:idea_new",
    "projects:interest",
    "landing:insight_interest",
    "projects:plenary_register",
}


def _names_an_object(name: str) -> bool:
    """Whether the URL's arguments come from a programme's objects: a builder that ignores the
    programme (an emailed key, a kind of task) makes the same address for every programme."""
    try:
        KWARGS[name](None)
    except Exception:
        return True
    return False


SWEPT = sorted(
    p.name for p in ALL_PATTERNS if p.converters and p.name in MATRIX and _names_an_object(p.name)
)


def test_the_sweep_covers_every_url_with_an_object() -> None:
    assert len(SWEPT) > 50
    assert set(OPEN_IN_EVERY_PROGRAMME) <= set(SWEPT)


def _open_to_all(name: str) -> bool:
    return name in OPEN_IN_EVERY_PROGRAMME or MATRIX[name][GET]["anonymous"] == 200


# The persona is made in the case, after B's objects: builders give a persona that exists what it
# owns, and B's objects must not be given to A's personas. The programmes are shared.
@pytest.mark.django_db
@pytest.mark.parametrize("who", ON_TEAM_A)
@pytest.mark.parametrize(("name", "method"), [(n, m) for n in SWEPT for m in (GET, POST)])
def test_url_with_another_programmes_ids(name, method, who, _programmes):
    programme_a, programme_b = (Programme.objects.get(pk=p.pk) for p in _programmes)
    url = url_for(name, programme_b)  # first: B's objects must not be given to A's personas
    user = make_persona(who, programme_a=programme_a, programme_b=programme_b)
    response = _request(_client_for(user, raise_request_exception=False), method, url)
    own = MATRIX[name][method]
    # Open pages: as for someone on no team. Otherwise 404, or 405 where the method is refused
    # before anything is looked up (which reveals nothing).
    expected = own["vcs_partner"] if _open_to_all(name) else (405 if own[who] == 405 else 404)
    if isinstance(expected, Redirect):  # to one of B's pages: only the status is compared
        assert response.status_code == 302, response.status_code
        return
    _check(response, expected, url)
