"""Forms for selection: scores, the decision, the project team, the announcement and interest."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.utils.html import format_html

from cip.forms import BaseForm
from projects.models import Criterion, Project
from projects.selection import SCORES, CandidateSummary
from teams.models import Organisation

SCORE_CHOICES = [(str(n), {1: "1 (weak)", 5: "5 (strong)"}.get(n, str(n))) for n in SCORES]


class ScoreForm(BaseForm):
    """A score from 1 to 5 for every criterion, each with an optional comment."""

    submit_label = "Save my scores"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        parts = []
        for criterion in Criterion:
            score, comment = f"score_{criterion.value}", f"comment_{criterion.value}"
            problem = f"Choose a score from 1 to 5 for ‘{criterion.label}’"
            self.fields[score] = forms.TypedChoiceField(
                label=criterion.label,
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                help_text="1 means the project is weak on this, 5 that it is strong.",
                error_messages={"required": problem, "invalid_choice": problem},
            )
            self.fields[comment] = forms.CharField(
                label="Why this score? (optional)",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={
                    "max_length": f"Keep the comment on ‘{criterion.label}’ under 2,000 characters"
                },
            )
            parts += [Field.radios(score, legend_size=Size.SMALL, inline=True), comment]
        self.helper.layout = Layout(*parts, Submit("submit", self.submit_label))

    @classmethod
    def initial_from(cls, current: dict[str, tuple[int, str]]) -> dict[str, object]:
        initial: dict[str, object] = {}
        for criterion, (score, comment) in current.items():
            initial[f"score_{criterion}"] = str(score)
            initial[f"comment_{criterion}"] = comment
        return initial

    def scores(self) -> dict[str, tuple[int, str]]:
        data = self.cleaned_data
        return {c: (data[f"score_{c}"], data[f"comment_{c}"]) for c in Criterion.values}


class DecisionForm(BaseForm):
    """Select one candidate, with the reason; park each of the others, with its reason."""

    submit_label = "Record the decision"

    selected = forms.ChoiceField(
        label="Which project does the core team select?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the project the core team selects",
            "invalid_choice": "Choose one of the candidates",
        },
    )
    reason = forms.CharField(
        label="Why this project?",
        help_text="The proposer sees this, and it is kept with the project's history.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why the core team selected this project",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )

    def __init__(self, *args, candidates: list[CandidateSummary], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.projects = {str(c.project.pk): c.project for c in candidates}
        self.fields["selected"].choices = [
            (str(c.project.pk), c.project.idea.title) for c in candidates
        ]
        for candidate in candidates:
            self.fields[self.park_field(candidate.project)] = forms.CharField(
                # crispy-forms-gds marks labels safe, and the proposer wrote the title.
                label=format_html("Why is ‘{}’ parked?", candidate.project.idea.title),
                help_text="Leave this empty for the project you select. Parked projects can be "
                "reconsidered later.",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={
                    "max_length": f"The reason for parking ‘{candidate.project.idea.title}’ "
                    "must be 2,000 characters or fewer"
                },
            )
        self.helper.layout = Layout(
            Field.radios("selected", legend_size=Size.MEDIUM),
            "reason",
            *[self.park_field(c.project) for c in candidates],
            Submit("submit", self.submit_label),
        )

    @staticmethod
    def park_field(project: Project) -> str:
        return f"park_{project.pk}"

    def clean(self) -> dict:
        data = super().clean()
        chosen = data.get("selected")
        if chosen is None:
            return data
        for pk, project in self.projects.items():
            name = self.park_field(project)
            if pk != chosen and not data.get(name, "").strip():
                self.add_error(name, f"Enter why ‘{project.idea.title}’ is parked")
        return data

    def selected_project(self) -> Project:
        return self.projects[self.cleaned_data["selected"]]

    def parked(self) -> dict[Project, str]:
        chosen = self.cleaned_data["selected"]
        return {
            project: self.cleaned_data[self.park_field(project)]
            for pk, project in self.projects.items()
            if pk != chosen
        }


class MemberForm(BaseForm):
    """Invite someone to the project team."""

    submit_label = "Invite to the project team"

    name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={
            "required": "Enter their full name",
            "max_length": "Their name must be 200 characters or fewer",
        },
    )
    email = forms.EmailField(
        label="Email address",
        help_text="We email them their role and what is expected of them.",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    organisation = forms.ModelChoiceField(
        label="Organisation (optional)",
        queryset=Organisation.objects.filter(verified=True),
        required=False,
        help_text="Left empty, we use the organisation on their account, if they have one.",
        error_messages={"invalid_choice": "Choose an organisation from the list"},
    )
    role = forms.CharField(
        label="Role on the project",
        max_length=200,
        help_text="Type a role, or choose one of the suggestions listed above.",
        widget=forms.TextInput(attrs={"list": "role-suggestions", "autocomplete": "off"}),
        error_messages={
            "required": "Enter their role on the project",
            "max_length": "Their role must be 200 characters or fewer",
        },
    )
    expectations = forms.CharField(
        label="What is expected of them",
        help_text="The time they will give and the tasks they will do, for example: two hours "
        "a week for six weeks, explaining the referral data to the analysts.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter what is expected of them",
            "max_length": "What is expected of them must be 2,000 characters or fewer",
        },
    )
    listed_publicly = forms.BooleanField(
        label="They agree to be named on the programme's public page",
        help_text="Their name, role and organisation are shown; never their email address.",
        required=False,
    )

    def __init__(self, *args, project: Project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        self.helper.layout = Layout(
            "name",
            "email",
            "organisation",
            "role",
            "expectations",
            Field.checkbox("listed_publicly"),
            Submit("submit", self.submit_label),
        )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if self.project.members.filter(email__iexact=email).exists():
            raise forms.ValidationError("This person is already on the project team")
        return email


class AnnounceForm(BaseForm):
    submit_label = "Publish on the public page"

    public_summary = forms.CharField(
        label="What should the public page say about the project?",
        help_text="In plain words: the question the project will answer, why it matters and "
        "who is on the team. The refined question and the team members who agreed to be named "
        "are shown beside it.",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Enter what the public page should say about the project",
            "max_length": "The summary must be 3,000 characters or fewer",
        },
    )


class InterestForm(BaseForm):
    submit_label = "Register interest"

    organisation_name = forms.CharField(
        label="Your organisation",
        max_length=200,
        error_messages={
            "required": "Enter the name of your organisation",
            "max_length": "The name of your organisation must be 200 characters or fewer",
        },
    )
    message = forms.CharField(
        label="How could your organisation help?",
        help_text="For example, the data or knowledge you have, or the people you work with.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter how your organisation could help",
            "max_length": "Keep your message under 2,000 characters",
        },
    )
