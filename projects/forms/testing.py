"""Forms for testing and refining: workshops, invitations and places, feedback, final checks."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from cip.forms import BaseForm, BaseModelForm, RealDateInputField
from projects.forms.personal_data import PersonalDataCheckMixin
from projects.models import FeedbackItem, FinalCheck
from teams.forms import MeetingTimeMixin
from teams.models import User


class WorkshopForm(MeetingTimeMixin, BaseForm):
    submit_label = "Add the workshop"
    meeting_noun = "workshop"

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
        initial=90,
        min_value=15,
        max_value=480,
        error_messages={
            "required": "Enter the length of the workshop",
            "invalid": "The length must be a whole number of minutes, like 90",
            "min_value": "The length must be 15 minutes or more",
            "max_value": "The length must be 480 minutes or fewer",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
    )
    place = forms.CharField(label="Address or room (optional)", max_length=300, required=False)
    online_link = forms.URLField(
        label="Online meeting link (optional)",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a link in the right format, like https://example.org"},
    )
    capacity = forms.IntegerField(
        label="Places",
        initial=12,
        min_value=1,
        max_value=200,
        error_messages={
            "required": "Enter how many places there are",
            "invalid": "Enter the number of places as a whole number, like 12",
            "min_value": "There must be at least 1 place",
            "max_value": "There can be at most 200 places",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
    )
    what_is_tested = forms.CharField(
        label="What will be tested (optional)",
        help_text="Invitations quote this.",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.name_the_date()
        self.helper.layout = Layout(
            Field("day", legend_size=Size.SMALL),
            "start_time",
            "duration_minutes",
            "place",
            "online_link",
            "capacity",
            "what_is_tested",
            Submit("submit", self.submit_label),
        )

    def clean(self):
        data = super().clean()
        self.add_future_times(data, data.get("duration_minutes") or 90)
        if not (data.get("place") or "").strip() and not data.get("online_link"):
            self.add_error("place", "Enter an address or room, or an online meeting link")
        return data

    def workshop_fields(self) -> dict:
        data = self.cleaned_data
        names = ("starts_at", "ends_at", "place", "online_link", "capacity", "what_is_tested")
        return {name: data[name] for name in names}


class InviteForm(BaseForm):
    submit_label = "Invite them"

    emails = forms.CharField(
        label="Who do you want to invite?",
        help_text="The email addresses of people with an account here, one on each line: VCS "
        "partners and colleagues who could use the solution. Each is emailed a link to book.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        error_messages={"required": "Enter the email address of at least one person to invite"},
    )

    def clean_emails(self) -> list[User]:
        addresses = list(
            dict.fromkeys(a.strip().lower() for a in self.cleaned_data["emails"].split())
        )
        if len(addresses) > 100:
            raise ValidationError("Invite at most 100 people at a time")
        people = {
            u.email.lower(): u for u in User.objects.filter(email__in=addresses, is_active=True)
        }
        missing = [a for a in addresses if a not in people]
        if missing:
            raise ValidationError(
                f"Nobody with an account here has the address {', '.join(missing[:5])}: ask "
                "them to create an account first, or check the spelling"
            )
        return [people[a] for a in addresses]


class BookWorkshopForm(BaseForm):
    submit_label = "Book a place"

    access_needs = forms.CharField(
        label="Do you have any access needs? (optional)",
        help_text="For example, step-free access, a British Sign Language interpreter or "
        "captions online.",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FeedbackForm(PersonalDataCheckMixin, BaseModelForm):
    """Feedback from testing. What was said, and the reply, are checked for personal data."""

    checked_fields = ("text", "response")
    submit_label = "Save the feedback"

    class Meta:
        model = FeedbackItem
        fields = ["kind", "solution", "workshop", "text", "state", "response"]
        labels = {
            "kind": "What kind of feedback is it?",
            "solution": "Which solution is it about? (optional)",
            "workshop": "Which workshop was it given at? (optional)",
            "state": "What has the team done about it?",
            "response": "What we did, or why we will not (needed for “won't do”)",
        }
        help_texts = {
            "kind": "Substantive: how well the data answers the question. Accessibility: "
            "whether people could use the solution at all.",
            "text": "In general terms: leave out who said it.",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "state": forms.RadioSelect,
            "text": forms.Textarea(attrs={"rows": 4}),
            "response": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "kind": {"required": "Choose what kind of feedback it is"},
            "text": {"required": "Enter what was said"},
        }

    def __init__(self, *args, project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = FeedbackItem.Kind.choices
        self.fields["state"].choices = FeedbackItem.State.choices
        self.fields["solution"].queryset = project.solution_ideas.all()
        self.fields["solution"].empty_label = "Not about one solution"
        self.fields["workshop"].queryset = project.workshops.all()
        self.fields["workshop"].empty_label = "Not at a workshop"
        self.fields["workshop"].label_from_instance = lambda w: w.when
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.SMALL),
            "solution",
            "workshop",
            "text",
            Field.radios("state", legend_size=Size.SMALL),
            "response",
            "checked",
            Submit("submit", self.submit_label),
        )

    def clean(self):
        data = super().clean()
        if data.get("state") == FeedbackItem.State.WONT_DO and not data.get("response", "").strip():
            self.add_error("response", "Enter why the team will not act on it")
        return data


class FeedbackFilterForm(forms.Form):
    """The feedback list's filters, in the query string."""

    kind = forms.ChoiceField(
        label="Kind", choices=[("", "All kinds"), *FeedbackItem.Kind.choices], required=False
    )
    state = forms.ChoiceField(
        label="Status", choices=[("", "Any status"), *FeedbackItem.State.choices], required=False
    )


class FinalChecksForm(BaseForm):
    submit_label = "Save the final checks"

    HINTS = {
        FinalCheck.Item.BEHAVES: "Does every link open, does the PDF print properly, do the "
        "charts and maps read well on a phone and with a screen reader?",
        FinalCheck.Item.PERSONAL_DATA: "Read everything once more for names, contact details "
        "and small numbers, including the quotes and the data downloads.",
        FinalCheck.Item.SECURITY: "If the solution is a web page or a protected file, are you "
        "confident only the right people can reach what is not public?",
    }

    def __init__(self, *args, current: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        parts = []
        for item in FinalCheck.Item:
            self.fields[f"done_{item}"] = forms.BooleanField(
                label=f"{item.label}: done",
                help_text=self.HINTS[item],
                required=False,
                initial=item.value in current,
            )
            self.fields[f"notes_{item}"] = forms.CharField(
                label=f"Notes on the {str(item.label).lower()} (optional)",
                max_length=2000,
                required=False,
                initial=current.get(item.value, ""),
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            parts += [Field.checkbox(f"done_{item}"), f"notes_{item}"]
        self.helper.layout = Layout(*parts, Submit("submit", self.submit_label))

    def done(self) -> dict[str, str | None]:
        data = self.cleaned_data
        return {
            item.value: data[f"notes_{item}"].strip() if data[f"done_{item}"] else None
            for item in FinalCheck.Item
        }
