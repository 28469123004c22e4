import re
from datetime import time, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cip.forms import BaseForm, BaseModelForm, RealDateInputField
from teams.models import (
    OfficeHourBooking,
    OfficeHourSlot,
    Organisation,
    Programme,
    Role,
    User,
    WaysOfWorking,
)
from teams.services import local_start


class OrganisationChoiceMixin(forms.Form):
    """Pick a known organisation, or name one that an admin will confirm."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(verified=True),
        required=False,
        empty_label="My organisation is not listed",
        help_text="Choose the organisation you work or volunteer for.",
    )
    new_organisation = forms.CharField(
        label="If your organisation is not listed, what is it called?",
        max_length=200,
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("organisation") and not cleaned.get("new_organisation", "").strip():
            self.add_error("organisation", "Choose your organisation, or enter its name below")
        return cleaned

    def chosen_organisation(self) -> Organisation:
        if self.cleaned_data.get("organisation"):
            return self.cleaned_data["organisation"]
        name = self.cleaned_data["new_organisation"].strip()
        existing = Organisation.objects.filter(name__iexact=name).first()
        return existing or Organisation.objects.create(name=name, kind=Organisation.Kind.VCS)


class SignupDetailsForm(OrganisationChoiceMixin):
    """Extra questions on allauth's sign-up form."""

    display_name = forms.CharField(
        label="Your name",
        max_length=150,
        help_text="Shown to other people working on the programme.",
        error_messages={"required": "Enter your name"},
    )

    field_order = ["display_name", "organisation", "new_organisation"]

    def signup(self, request, user: User) -> None:
        user.display_name = self.cleaned_data["display_name"].strip()
        user.organisation = self.chosen_organisation()
        user.save(update_fields=["display_name", "organisation"])


class ProfileForm(OrganisationChoiceMixin, BaseForm):
    submit_label = "Save changes"

    display_name = forms.CharField(
        label="Your name", max_length=150, error_messages={"required": "Enter your name"}
    )
    introduction = User._meta.get_field("introduction").formfield(
        error_messages={"max_length": "About you must be 600 characters or fewer"}
    )
    what_they_bring = User._meta.get_field("what_they_bring").formfield(
        error_messages={"max_length": "What you bring must be 300 characters or fewer"}
    )
    field_order = [
        "display_name",
        "organisation",
        "new_organisation",
        "introduction",
        "what_they_bring",
    ]


class ProgrammeForm(BaseModelForm):
    submit_label = "Save changes"

    class Meta:
        model = Programme
        fields = ["name", "place", "introduction"]
        error_messages = {
            "name": {"required": "Enter the programme name"},
            "place": {"required": "Enter the place the programme serves"},
        }

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError("Enter the programme name")
        return name


class MemberAddForm(BaseForm):
    submit_label = "Add to the team"

    email = forms.EmailField(
        label="Email address",
        help_text="They need an account on this service already.",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    role = forms.ChoiceField(
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select their role"},
    )
    committed_days = forms.IntegerField(
        label="Days they have agreed to give per project (optional)",
        required=False,
        min_value=0,
        max_value=250,
        error_messages={
            "invalid": "Days must be a whole number, like 8",
            "min_value": "Days must be 0 or more",
            "max_value": "Days must be 250 or fewer",
        },
    )
    listed_publicly = forms.BooleanField(
        label="They agreed to be named on the programme's public page", required=False
    )

    def __init__(self, *args, may_appoint_reviewers: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not may_appoint_reviewers:
            self.fields["role"].choices = [
                (value, label)
                for value, label in Role.choices
                if value not in (Role.FACILITATOR, Role.INFORMATION_RIGHTS)
            ]
            self.fields[
                "role"
            ].help_text = "Facilitators and information-rights reviewers are appointed by an admin."

    def clean_email(self) -> User:
        email = self.cleaned_data["email"]
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise ValidationError(
                "Nobody has an account with this email address. Ask them to create one, "
                "then add them"
            )
        return user


class WaysOfWorkingForm(BaseModelForm):
    submit_label = "Save the agreement"

    class Meta:
        model = WaysOfWorking
        fields = ["meeting_frequency", "channels", "target_timelines", "time_needed"]
        widgets = {
            field: forms.Textarea(attrs={"rows": 4})
            for field in ["channels", "target_timelines", "time_needed"]
        }


# --- Office hours ------------------------------------------------------------------------------

_TIME = re.compile(r"^(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<half>am|pm)?$")


def parse_time_of_day(text: str) -> time | None:
    """Read 14:30, 2:30pm, 2pm, 9.15am or midday; None when it is not a time."""
    text = text.strip().lower().replace(" ", "")
    if text in ("midday", "noon", "12noon"):
        return time(12)
    if text == "midnight":
        return time(0)
    match = _TIME.match(text)
    if not match:
        return None
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if match["half"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["half"] == "pm" else 0)
    elif match["minute"] is None:
        return None  # "14" alone is too easy to misread
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class MeetingTimeMixin:
    """For a form with a ``day`` and a ``start_time`` typed as people write times (UK time)."""

    meeting_noun = "meeting"  # in "Enter the date of the meeting"

    def name_the_date(self) -> None:
        message = f"Enter the date of the {self.meeting_noun}"
        self.fields["day"].error_messages.update(required=message, incomplete=message)

    def clean_start_time(self) -> time:
        parsed = parse_time_of_day(self.cleaned_data["start_time"])
        if parsed is None:
            raise ValidationError("Enter a start time like 10am or 2:30pm")
        return parsed

    def add_future_times(self, data: dict, minutes: int) -> None:
        """Put ``starts_at`` and ``ends_at`` in ``data``; the start must be in the future."""
        day, start = data.get("day"), data.get("start_time")
        if not (day and start):
            return
        try:
            starts = local_start(day, start)
        except ValidationError as error:  # a time the clocks skip
            self.add_error("start_time", error)
            return
        if starts <= timezone.now():
            self.add_error("day", f"The {self.meeting_noun} must start in the future")
        data["starts_at"] = starts
        data["ends_at"] = starts + timedelta(minutes=minutes)


def _whole_number(name: str, low: int, high: int, **kwargs) -> forms.IntegerField:
    """A number question with GOV.UK error messages that name what is being asked for."""
    return forms.IntegerField(
        min_value=low,
        max_value=high,
        error_messages={
            "required": f"Enter the {name}",
            "invalid": f"The {name} must be a whole number",
            "min_value": f"The {name} must be {low} or more",
            "max_value": f"The {name} must be {high} or fewer",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        **kwargs,
    )


class OfficeHourSlotForm(MeetingTimeMixin, BaseForm):
    meeting_noun = "session"
    submit_label = "Publish office hours"

    day = RealDateInputField(
        label="Date",
        help_text="For a weekly series, the date of the first session. For example, 27 3 2026",
        require_all_fields=False,
    )
    start_time = forms.CharField(
        label="Start time",
        help_text="UK time, for example 10am or 2:30pm",
        max_length=10,
        error_messages={"required": "Enter the start time"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )
    length_minutes = _whole_number("length", 10, 480, label="Length in minutes", initial=30)
    weeks = _whole_number(
        "number of weeks",
        1,
        26,
        label="How many weeks?",
        initial=1,
        help_text="Enter 1 for a single session, or up to 26 to repeat it weekly at the same time.",
    )
    capacity = _whole_number(
        "number of places",
        1,
        100,
        label="How many people can book each session?",
        initial=1,
        help_text="Enter 1 for one-to-one conversations.",
    )
    online_link = forms.URLField(
        label="Online meeting link (optional)",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a link in the correct format, like https://example.org"},
    )
    place = forms.CharField(label="Address or room (optional)", max_length=300, required=False)
    min_notice_hours = _whole_number(
        "minimum notice",
        0,
        336,
        label="Minimum notice in hours",
        initial=24,
        help_text="Booking closes this many hours before each session starts.",
    )
    buffer_minutes = _whole_number(
        "break between slots",
        0,
        120,
        label="Break between slots in minutes",
        initial=15,
        help_text="No other office hours can start or end within this time.",
    )
    waitlist = forms.BooleanField(
        label="Keep a waiting list when a session is full", required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.name_the_date()

    def clean_place(self) -> str:
        return self.cleaned_data["place"].strip()

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("online_link")
            and not cleaned.get("place")
            and not self.has_error("online_link")
        ):
            self.add_error("online_link", "Enter an online meeting link or an address")
        day, start = cleaned.get("day"), cleaned.get("start_time")
        if day and day < timezone.localdate():
            self.add_error("day", "The date must be today or in the future")
        elif day and start:
            try:
                if local_start(day, start) <= timezone.now():
                    self.add_error("start_time", "The start time must be in the future")
            except ValidationError as error:
                self.add_error("start_time", error)
        return cleaned


class BookingForm(BaseForm):
    topic = forms.CharField(
        label="What would you like to talk about?",
        help_text="For example, a question your organisation has, or a problem nobody measures.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Enter what you would like to talk about",
            "max_length": "What you would like to talk about must be 1000 characters or fewer",
        },
    )
    access_needs = forms.CharField(
        label="Do you have any access needs? (optional)",
        help_text="For example, a British Sign Language interpreter, captions or step-free access.",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Access needs must be 1000 characters or fewer"},
    )

    def __init__(self, *args, submit_label: str = "Book this session", **kwargs) -> None:
        self.submit_label = submit_label
        super().__init__(*args, **kwargs)

    def chosen_organisation(self) -> Organisation | None:
        return None  # the person's profile already names it


class BookingWithOrganisationForm(OrganisationChoiceMixin, BookingForm):
    """For people whose profile does not name their organisation yet: ask, and remember it."""

    field_order = ["organisation", "new_organisation", "topic", "access_needs"]


class BookingMoveForm(BaseForm):
    submit_label = "Move my booking"

    slot = forms.ModelChoiceField(
        label="Choose a new time",
        queryset=OfficeHourSlot.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose a new time", "invalid_choice": "Choose a new time"},
    )

    def __init__(self, *args, slots, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots
        self.fields["slot"].label_from_instance = lambda slot: (
            f"{slot.when} ({slot.places_left} place{'s' if slot.places_left != 1 else ''} left)"
        )


class SlotCancelForm(BaseForm):
    submit_label = "Cancel the session"

    message = forms.CharField(
        label="Message to the people who booked",
        help_text="We will email this to everyone booked or waiting. Say why, and suggest "
        "another time if you can.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter a message for the people who booked"},
    )


class AttendanceForm(BaseForm):
    submit_label = "Save"

    attendance = forms.ChoiceField(
        label="Did they come to the session?",
        choices=[
            (OfficeHourBooking.Attendance.ATTENDED, "Yes, they came"),
            (OfficeHourBooking.Attendance.ABSENT, "No, they did not come"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether they came to the session"},
    )
    notes = forms.CharField(
        label="Notes (optional)",
        help_text="What you talked about and what should happen next. Only facilitators see "
        "these notes.",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
