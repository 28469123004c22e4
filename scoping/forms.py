"""Scoping forms: GOV.UK question pages with hints in our own words and GOV.UK error messages."""

from __future__ import annotations

from datetime import datetime

from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from cip.forms import BaseForm, BaseModelForm, RealDateInputField
from cip.templatetags.govuk import govuk_time
from scoping.models import (
    FRAMING_FIELDS,
    DataSource,
    EvaluationSummary,
    ProgrammeDataSet,
    ScopingSession,
    SessionRole,
    Skill,
    SkillNeed,
)
from teams.forms import MeetingTimeMixin
from teams.models import Organisation, User
from teams.services import local_start


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _at_most(limit: int, what: str) -> dict[str, str]:
    return {"max_length": f"{what} must be {limit} characters or fewer"}


class SessionForm(MeetingTimeMixin, BaseForm):
    submit_label = "Schedule the session"
    meeting_noun = "session"

    day = RealDateInputField(
        label="Date", help_text="For example, 27 3 2026", require_all_fields=False
    )
    start_time = forms.CharField(
        label="Start time",
        help_text="UK time, for example 10am or 2:30pm",
        max_length=10,
        error_messages={"required": "Enter the start time"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )
    duration_minutes = forms.IntegerField(
        label="Length in minutes",
        help_text="An hour and a half gives time for both parts of the agenda.",
        initial=90,
        min_value=15,
        max_value=480,
        error_messages={
            "required": "Enter the length of the session",
            "invalid": "The length must be a whole number of minutes, like 90",
            "min_value": "The length must be 15 minutes or more",
            "max_value": "The length must be 480 minutes or fewer",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
    )
    location = forms.CharField(
        label="Place or online link",
        help_text="An address and room, or the link to join online.",
        max_length=500,
        error_messages={
            "required": "Enter a place or an online link",
            **_at_most(500, "The place or online link"),
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.name_the_date()

    def clean_location(self) -> str:
        location = self.cleaned_data["location"].strip()
        if not location:
            raise ValidationError("Enter a place or an online link")
        return location

    def clean(self):
        cleaned = super().clean()
        day, start = cleaned.get("day"), cleaned.get("start_time")
        if day and day < timezone.localdate():
            self.add_error("day", "The date must be today or in the future")
        elif day and start:
            try:
                cleaned["starts_at"] = local_start(day, start)
            except ValidationError as error:
                self.add_error("start_time", error)
            else:
                if cleaned["starts_at"] <= timezone.now():
                    self.add_error("start_time", "The start time must be in the future")
        return cleaned

    @property
    def starts_at(self) -> datetime:
        return self.cleaned_data["starts_at"]


class SessionChangeForm(SessionForm):
    """The scheduling questions again, answered already, to change a session's time or place."""

    submit_label = "Save the changes"

    @staticmethod
    def initial_for(session: ScopingSession) -> dict:
        start = timezone.localtime(session.starts_at)
        return {
            "day": start.date(),
            "start_time": govuk_time(start),
            "duration_minutes": session.duration_minutes,
            "location": session.location,
        }


class InvitationForm(BaseForm):
    """Invite someone in a role: someone on the core team, or anyone with an account."""

    submit_label = "Invite"

    role = forms.ChoiceField(
        label="Which role will they have in the session?",
        choices=SessionRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the role they will have"},
    )
    person = forms.ModelChoiceField(
        label="Who?",
        help_text="The programme's core team and the person who proposed the idea.",
        queryset=User.objects.none(),
        required=False,
        empty_label="Someone else (enter their email address below)",
        error_messages={
            "invalid_choice": "Choose someone from the list, or enter their email address"
        },
    )
    email = forms.EmailField(
        label="If they are not listed, what is their email address?",
        help_text="They need an account on this service already.",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.org"
        },
    )

    def __init__(self, *args, people: QuerySet[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("person") or self.has_error("person") or self.has_error("email"):
            return cleaned
        email = cleaned.get("email")
        if not email:
            self.add_error("person", "Choose who to invite, or enter their email address")
            return cleaned
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            self.add_error(
                "email",
                "Nobody has an account with this email address. Ask them to create one, then "
                "invite them",
            )
        cleaned["person"] = user
        return cleaned

    @property
    def invitee(self) -> User:
        return self.cleaned_data["person"]


class PreparationForm(BaseModelForm):
    submit_label = "Save the preparation notes"

    class Meta:
        model = ScopingSession
        fields = ["prep_existing_work", "prep_known_datasets"]
        help_texts = {
            "prep_existing_work": "Research, projects or services already looking at this, here "
            "or elsewhere. A short look is enough: the session does the rest.",
            "prep_known_datasets": "Data sets that obviously matter, who holds them, and whether "
            "we could get and use them.",
        }
        widgets = {name: _textarea(6) for name in fields}


class FramingForm(BaseModelForm):
    """Agenda item 1: the prompts, then the question they lead to (saved on the idea)."""

    submit_label = "Save the answers"

    refined_question = forms.CharField(
        label="The refined question",
        help_text="One question a project could answer, in words the whole group agrees on. "
        "You can come back and change it.",
        required=False,
        max_length=2000,
        widget=_textarea(3),
        error_messages={"max_length": "The refined question must be 2000 characters or fewer"},
    )

    class Meta:
        model = ScopingSession
        fields = list(FRAMING_FIELDS)
        help_texts = {
            "decisions_informed": "Who would decide something differently, and what, once they "
            "had the answer.",
            "what_we_know": "What the people closest to the problem already see, and what the "
            "figures already say.",
            "hypotheses": "What people suspect is going on, even without evidence yet. These "
            "point at the data to look for.",
            "pain_point": "The part of the problem that hurts most, for residents or for the "
            "people serving them.",
            "better_off": "Name the group of people, and what would be better for them.",
            "who_could_act": "Which person or team could do what, if they knew more.",
        }
        widgets = {name: _textarea(4) for name in fields}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The question is what the prompts lead to: it stands out from them.
        self.helper.layout = Layout(
            *FRAMING_FIELDS,
            Field.textarea("refined_question", label_size=Size.MEDIUM, rows=3),
            Submit("submit", self.submit_label),
        )


class DataSourceForm(BaseModelForm):
    submit_label = "Save the data source"

    may_hold_personal_data = forms.TypedChoiceField(
        label="Could it hold personal data?",
        help_text="Names, contact details, case notes or anything else that could identify "
        "someone. If you are not sure, answer yes.",
        choices=[(True, "Yes"), (False, "No")],
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if it could hold personal data"},
    )

    class Meta:
        model = DataSource
        fields = ["name", "kind", "owner", "may_hold_personal_data", "access_notes", "notes"]
        labels = {
            "name": "Name of the data source",
            "kind": "What kind of data is it?",
            "owner": "Which organisation holds it? (optional)",
            "notes": "Notes (optional)",
            "access_notes": "How could we get access to it? (optional)",
        }
        help_texts = {
            "name": "For example, food bank visit records or the council's housing register.",
            "owner": "Only people confirmed to work there can upload it. Leave empty for "
            "published data.",
            "access_notes": "For example, an export someone could run, an existing sharing "
            "agreement, or a published download.",
            "notes": "What it holds, how complete it is, or anything else the team should know.",
        }
        error_messages = {
            "name": {
                "required": "Enter the name of the data source",
                **_at_most(200, "The name of the data source"),
            },
            "kind": {"required": "Select what kind of data it is"},
        }
        widgets = {
            "kind": forms.RadioSelect,
            "access_notes": _textarea(3),
            "notes": _textarea(3),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Organisation.objects.filter(verified=True).order_by("name")
        self.fields["owner"].empty_label = "Not held by an organisation listed here"
        self.fields["kind"].choices = DataSource.Kind.choices  # no empty choice among the radios
        if self.instance.pk is None and "may_hold_personal_data" not in self.initial:
            self.initial["may_hold_personal_data"] = None


class SkillNeedForm(BaseModelForm):
    submit_label = "Save the skill"

    class Meta:
        model = SkillNeed
        fields = ["skill", "description", "filled_by", "filled_by_name", "notes"]
        labels = {
            "skill": "Skill",
            "description": "What the project needs from them (optional)",
            "filled_by": "Who on the core team fills it? (optional)",
            "filled_by_name": "Or the name of someone without an account here (optional)",
            "notes": "Notes (optional)",
        }
        help_texts = {
            "description": "For example, extract a year of case records from the case system.",
            "filled_by_name": "For example, a data engineer a partner organisation can lend.",
        }
        error_messages = {
            "skill": {"required": "Select the skill"},
            "description": _at_most(300, "What the project needs"),
            "filled_by_name": _at_most(200, "Their name"),
        }
        widgets = {"notes": _textarea(3)}

    def __init__(self, *args, people: QuerySet[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = [("", "Select a skill"), *Skill.choices]
        self.fields["filled_by"].queryset = people
        self.fields["filled_by"].empty_label = "Nobody on the core team yet"

    def clean_filled_by_name(self) -> str:
        return self.cleaned_data["filled_by_name"].strip()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("filled_by") and cleaned.get("filled_by_name"):
            self.add_error(
                "filled_by_name",
                "Choose someone on the core team or enter a name, not both",
            )
        return cleaned


class EvaluationForm(BaseModelForm):
    submit_label = "Save the summary"

    class Meta:
        model = EvaluationSummary
        fields = ["existing_work", "people_and_skills", "data_safety"]
        help_texts = {
            "existing_work": "What is already being done in this area that the project could "
            "build on or should not repeat.",
            "people_and_skills": "Who the core team would need to add, and which skills are "
            "still missing. Started from the skills list.",
            "data_safety": "Personal or confidential data the sources may hold, and whether it "
            "could be shared for analysis. Started from the data inventory and the personal "
            "data scans of any files uploaded; add what you know and any assumptions.",
        }
        widgets = {name: _textarea(6) for name in fields}


class ProgrammeDataSetForm(BaseModelForm):
    submit_label = "Add the data set"

    class Meta:
        model = ProgrammeDataSet
        fields = ["name", "publisher", "holds", "kind", "licence", "period", "url"]
        labels = {
            "name": "Name of the data set",
            "holds": "What does it hold?",
            "kind": "What kind of data is it?",
            "licence": "Licence",
            "period": "Period it covers (optional)",
            "url": "Web address",
        }
        help_texts = {
            "name": "For example, the council's open data on school places.",
            "publisher": "The organisation that publishes it.",
            "holds": "A sentence or two: what it counts, and for which areas.",
            "kind": "For example, official statistics by ward, or records by street.",
            "licence": "For example, Open Government Licence v3.0. Check it allows reuse.",
            "period": "Only if it covers a fixed time, for example 2020 to 2022.",
            "url": "Where the team can find it, starting https://",
        }
        error_messages = {
            "name": {"required": "Enter the name of the data set", **_at_most(200, "The name")},
            "publisher": {
                "required": "Enter who publishes it",
                **_at_most(200, "The publisher"),
            },
            "holds": {
                "required": "Enter what it holds",
                **_at_most(1000, "What it holds"),
            },
            "kind": {
                "required": "Enter what kind of data it is",
                **_at_most(200, "The kind of data"),
            },
            "licence": {"required": "Enter its licence", **_at_most(200, "The licence")},
            "period": _at_most(200, "The period"),
            "url": {
                "required": "Enter its web address",
                "invalid": "Enter a web address in the correct format, like https://example.org",
                **_at_most(500, "The web address"),
            },
        }
        widgets = {"holds": _textarea(3)}

    def __init__(self, *args, programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["url"].assume_scheme = "https"

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if self.programme.public_data_sets.filter(name__iexact=name).exists():
            raise ValidationError("The programme already suggests a data set with this name")
        return name
