"""Forms for sharing: scheduling a plenary, registering for it, recording attendance, and
writing, co-authoring and reviewing a blog post."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from cip.fields import OneLineFormField
from cip.forms import BaseForm, RealDateInputField
from projects.models import UNDER_WAY, PlenaryRegistration, Project
from teams.forms import MeetingTimeMixin
from teams.models import User


def _number(label: str, initial: int, low: int, high: int, what: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        initial=initial,
        min_value=low,
        max_value=high,
        error_messages={
            "required": f"Enter {what}",
            "invalid": f"Enter {what} as a whole number, like {initial}",
            "min_value": f"{what.capitalize()} must be {low} or more",
            "max_value": f"{what.capitalize()} must be {high} or fewer",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
    )


class PlenaryForm(MeetingTimeMixin, BaseForm):
    submit_label = "Schedule the session"
    meeting_noun = "session"

    title = OneLineFormField(
        label="Title",
        max_length=200,
        help_text="For example, What we learned about families skipping meals.",
        error_messages={"required": "Enter the title of the session"},
    )
    description = forms.CharField(
        label="What the session is about",
        help_text="Who it is for, what will be presented and how people can take part.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what the session is about"},
    )
    project = forms.ModelChoiceField(
        label="Which project is it about? (optional)",
        queryset=Project.objects.none(),
        required=False,
        empty_label="The whole programme",
    )
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
    length_minutes = _number("Length in minutes", 90, 15, 480, "the length in minutes")
    place = OneLineFormField(label="Address or room (optional)", max_length=300, required=False)
    online_link = forms.URLField(
        label="Online meeting link (optional)",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a link in the right format, like https://example.org"},
    )
    capacity = _number("Places", 40, 1, 1000, "the number of places")

    def __init__(self, *args, programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = (
            Project.objects.in_programme(programme)
            .filter(status__in=UNDER_WAY)
            .select_related("idea")
        )
        self.name_the_date()
        self.helper.layout = Layout(
            "title",
            "description",
            "project",
            Field("day", legend_size=Size.SMALL),
            "start_time",
            "length_minutes",
            "place",
            "online_link",
            "capacity",
            Submit("submit", self.submit_label),
        )

    def clean(self):
        data = super().clean()
        self.add_future_times(data, data.get("length_minutes") or 90)
        if not data.get("place") and not data.get("online_link"):
            self.add_error("place", "Enter an address or room, or an online meeting link")
        return data

    def plenary_fields(self) -> dict:
        names = ("title", "description", "starts_at", "ends_at", "place", "online_link")
        fields = {name: self.cleaned_data[name] for name in names}
        return fields | {"capacity": self.cleaned_data["capacity"]}


class PlenaryCancelForm(BaseForm):
    submit_label = "Cancel the session"

    message = forms.CharField(
        label="Message to the people registered",
        help_text="We will email this to everyone registered or waiting. Say why, and when the "
        "session might happen instead if you know.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter a message for the people registered"},
    )


class RegistrationForm(BaseForm):
    use_of_insights = OneLineFormField(
        label="How might you use the insights?",
        help_text="One line is enough, for example: to plan where our advice sessions go.",
        max_length=300,
        error_messages={
            "required": "Enter how you might use the insights",
            "max_length": "How you might use the insights must be 300 characters or fewer",
        },
    )
    organisation_name = OneLineFormField(
        label="Organisation (optional)", max_length=200, required=False
    )

    def __init__(self, *args, submit_label: str, **kwargs) -> None:
        self.submit_label = submit_label
        super().__init__(*args, **kwargs)


class AttendanceForm(BaseForm):
    """One question per registration on the page: did they come?"""

    submit_label = "Save attendance"
    CHOICES = [
        (PlenaryRegistration.Attendance.ATTENDED, "Attended"),
        (PlenaryRegistration.Attendance.ABSENT, "Did not attend"),
    ]

    def __init__(self, *args, registrations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for registration in registrations:
            self.fields[f"attendance-{registration.pk}"] = forms.ChoiceField(
                label=f"Did {registration.user} attend?",
                choices=self.CHOICES,
                required=False,
                initial=registration.attendance or None,
                widget=forms.RadioSelect,
            )
        self.helper.layout = Layout(
            *(Field.radios(name, legend_size=Size.SMALL, inline=True) for name in self.fields),
            Submit("submit", self.submit_label),
        )

    def marks(self) -> dict[int, str]:
        return {
            int(name.removeprefix("attendance-")): value
            for name, value in self.cleaned_data.items()
            if value
        }


class BlogPostForm(BaseForm):
    submit_label = "Save the draft"

    title = OneLineFormField(
        label="Title", max_length=200, error_messages={"required": "Enter the title"}
    )
    summary = OneLineFormField(
        label="Summary",
        help_text="One or two sentences for lists, the feed and the update email.",
        max_length=300,
        error_messages={"required": "Enter a summary"},
    )
    body = forms.CharField(
        label="The post",
        help_text="Write in Markdown: a blank line between paragraphs, ## for a heading, "
        "* for a list and [words](https://example.org) for a link.",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 16}),
        error_messages={"required": "Enter the text of the post"},
    )
    # The version this edit started from (BlogPost.version), so a stale save is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AuthorForm(BaseForm):
    submit_label = "Add as a co-author"

    author = forms.ModelChoiceField(
        label="Who else is writing this post?",
        help_text="People on the programme's team. A post needs a VCS member and a council "
        "member of the core team before it can be submitted.",
        queryset=User.objects.none(),
        empty_label="Choose a co-author",
        error_messages={"required": "Choose a co-author"},
    )

    def __init__(self, *args, post, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["author"].queryset = (
            User.objects.filter(
                memberships__programme=post.programme,
                memberships__ended_at__isnull=True,
                is_active=True,
            )
            .exclude(pk__in=post.authors.values("pk"))
            .select_related("organisation")
            .distinct()
        )
        self.fields["author"].label_from_instance = lambda user: (
            f"{user}, {user.organisation}" if user.organisation else str(user)
        )


class ReviewForm(BaseForm):
    submit_label = "Save the decision"

    decision = forms.ChoiceField(
        label="What would you like to do?",
        choices=[("publish", "Publish it"), ("return", "Send it back to its authors")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to publish the post or send it back"},
    )
    comment = forms.CharField(
        label="Comment for the authors",
        help_text="Needed when you send the post back: say what to change.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.radios("decision", legend_size=Size.SMALL),
            "comment",
            Submit("submit", self.submit_label),
        )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not data.get("comment", "").strip():
            self.add_error("comment", "Tell the authors what to change")
        return data
