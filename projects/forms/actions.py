"""Forms for insights to actions: interest in acting on an insight, the actions meeting, the action
pack, actions and their progress."""

from __future__ import annotations

from datetime import timedelta

from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.utils import timezone

from cip.forms import BaseForm, BaseModelForm, RealDateInputField
from cip.templatetags.govuk import govuk_time
from projects.models import Action, ActionInterest, ActionPack, ActionsMeeting, Project
from teams.forms import MeetingTimeMixin
from teams.models import Organisation


class ActionInterestForm(BaseModelForm):
    submit_label = "Register interest"

    class Meta:
        model = ActionInterest
        fields = ["organisation_name", "what", "note"]
        labels = {
            "organisation_name": "Your organisation",
            "what": "What might your organisation do with this insight?",
            "note": "A note for the facilitator (optional)",
        }
        help_texts = {
            "what": "For example, change when a service opens, fund outreach in an area, or "
            "work with another organisation on it. A rough idea is enough.",
            "note": "One line, for example when you are free to meet.",
        }
        widgets = {"what": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "organisation_name": {
                "required": "Enter the name of your organisation",
                "max_length": "The name of your organisation must be 200 characters or fewer",
            },
            "what": {
                "required": "Enter what your organisation might do",
                "max_length": "What your organisation might do must be 2000 characters or fewer",
            },
            "note": {"max_length": "The note must be 200 characters or fewer"},
        }


class ActionsMeetingForm(MeetingTimeMixin, BaseForm):
    submit_label = "Add the meeting"
    meeting_noun = "meeting"

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
        initial=120,
        min_value=15,
        max_value=480,
        error_messages={
            "required": "Enter the length of the meeting",
            "invalid": "The length must be a whole number of minutes, like 120",
            "min_value": "The length must be 15 minutes or more",
            "max_value": "The length must be 480 minutes or fewer",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
    )
    place = forms.CharField(
        label="Where",
        help_text="An address or room, or an online meeting link.",
        max_length=300,
        error_messages={
            "required": "Enter where the meeting is",
            "max_length": "Where the meeting is must be 300 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.name_the_date()
        self.helper.layout = Layout(
            Field("day", legend_size=Size.SMALL),
            "start_time",
            "duration_minutes",
            "place",
            Submit("submit", self.submit_label),
        )

    def clean(self):
        data = super().clean()
        self.add_future_times(data, data.get("duration_minutes") or 120)
        return data

    def meeting_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("starts_at", "ends_at", "place")}


class ActionsMeetingChangeForm(ActionsMeetingForm):
    submit_label = "Save the changes"

    @staticmethod
    def initial_for(meeting: ActionsMeeting) -> dict:
        start = timezone.localtime(meeting.starts_at)
        return {
            "day": start.date(),
            "start_time": govuk_time(start),
            "duration_minutes": (meeting.ends_at - meeting.starts_at) // timedelta(minutes=1),
            "place": meeting.place,
        }


class ActionPackForm(BaseModelForm):
    submit_label = "Save the action pack"

    class Meta:
        model = ActionPack
        fields = ["prompts", "routes"]
        help_texts = {
            "prompts": "Questions that help partners turn the findings into actions, for "
            "example: who could act on this first? What would change for residents? You can "
            "use Markdown: ## for a heading, * for a list, **bold**.",
            "routes": "Funds, grants and partnerships that could pay for or support the actions, "
            "with links. Markdown works here too.",
        }
        widgets = {
            "prompts": forms.Textarea(attrs={"rows": 10}),
            "routes": forms.Textarea(attrs={"rows": 8}),
        }
        error_messages = {
            "prompts": {"max_length": "The prompts must be 20,000 characters or fewer"},
            "routes": {"max_length": "The routes must be 20,000 characters or fewer"},
        }


class ActionForm(BaseModelForm):
    submit_label = "Save the action"

    due_date = RealDateInputField(
        label="When is it due?", help_text="For example, 27 3 2027", require_all_fields=False
    )

    class Meta:
        model = Action
        fields = ["insight", "owner", "title", "due_date", "status"]
        labels = {
            "insight": "Which insight is it acting on?",
            "owner": "Which organisation owns it?",
            "title": "What will they do?",
            "status": "Status",
        }
        help_texts = {
            "owner": "Its people are reminded when an update is due, and can add progress.",
            "title": "One line, for example “Open the food bank on Saturday mornings”.",
        }
        widgets = {"status": forms.RadioSelect}
        error_messages = {
            "insight": {"required": "Choose the insight it acts on"},
            "owner": {
                "required": "Choose the organisation that owns it",
                "invalid_choice": "Choose an organisation from the list",
            },
            "title": {
                "required": "Enter what they will do",
                "max_length": "What they will do must be 200 characters or fewer",
            },
        }

    def __init__(
        self, *args, project: Project, choose_owner: bool = True, can_agree: bool = False, **kwargs
    ) -> None:
        """`choose_owner`: the facilitator chooses the insight and the owner; the owner's own
        people change the rest, but cannot hand the action to someone else. `can_agree`: the
        owner's own people, who alone answer whether it shows publicly."""
        super().__init__(*args, **kwargs)
        if can_agree:
            self.fields["agrees_public"] = forms.BooleanField(
                label="We agree to show this action and its progress publicly",
                help_text="It and its latest update then show on the insight's public page.",
                required=False,
                initial=self.instance.public,
            )
        if choose_owner:
            self.fields["insight"].queryset = project.insights.published()
            self.fields["insight"].empty_label = None
            verified = Organisation.objects.filter(verified=True)
            self.fields["owner"].queryset = verified.order_by("name")
            self.fields["owner"].empty_label = "Choose an organisation"
        else:
            del self.fields["insight"], self.fields["owner"]
        self.fields["status"].choices = Action.Status.choices
        self.fields["due_date"].error_messages.update(
            required="Enter when it is due", incomplete="Enter when it is due"
        )
        self.helper.layout = Layout(
            *(("insight", "owner") if choose_owner else ()),
            "title",
            Field("due_date", legend_size=Size.SMALL),
            Field.radios("status", legend_size=Size.SMALL, inline=True),
            *((Field.checkbox("agrees_public"),) if can_agree else ()),
            Submit("submit", self.submit_label),
        )


class ProgressForm(BaseForm):
    submit_label = "Add the update"

    text = forms.CharField(
        label="What has happened?",
        help_text="A short note, in plain words. Leave out names of residents.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter what has happened",
            "max_length": "The update must be 2000 characters or fewer",
        },
    )
    status = forms.ChoiceField(
        label="Status", choices=Action.Status.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].error_messages["required"] = "Choose the action's status"
        self.helper.layout = Layout(
            "text",
            Field.radios("status", legend_size=Size.SMALL, inline=True),
            Submit("submit", self.submit_label),
        )


class ActionFilterForm(forms.Form):
    """The actions list's filter, in the query string."""

    status = forms.ChoiceField(
        label="Status", choices=[("", "Any status"), *Action.Status.choices], required=False
    )


class InterestFilterForm(forms.Form):
    """The registrations list's filter: one insight, in the query string."""

    insight = forms.ModelChoiceField(
        label="Insight", queryset=None, required=False, empty_label="Every insight"
    )

    def __init__(self, *args, project: Project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["insight"].queryset = project.insights.published()
