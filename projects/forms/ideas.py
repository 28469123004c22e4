"""Forms for ideas: suggesting one, messages about it, moving its project, merging duplicates."""

from __future__ import annotations

from crispy_forms_gds.layout import Div, Layout, Submit
from django import forms

from cip.forms import BaseForm, BaseModelForm
from projects.lifecycle import Transition
from projects.models import Status
from scoping.models import Idea, IdeaMessage
from teams.models import Organisation, User


def _text(label: str, hint: str = "", rows: int = 4, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


class IdeaForm(BaseModelForm):
    """The idea in the proposer's words. Only the title and the problem are required: the rest
    is worked out together in a scoping session."""

    submit_label = "Send your idea"

    class Meta:
        model = Idea
        fields = ["title", "problem", "question", "affected", "decisions", "beliefs"]
        labels = {
            "title": "Give your idea a short title",
            "problem": "What is the problem?",
            "question": "What question would you like answered, or what do you not know yet?",
            "affected": "Who does it affect? (optional)",
            "decisions": "What decisions would the answer help you or others make? (optional)",
            "beliefs": "What do you believe is going on? (optional)",
        }
        help_texts = {
            "title": "For example, “Who stops coming to the food bank, and why?”",
            "problem": "What are you seeing, and why does it matter to the people you work with?",
            "question": "It does not need to be perfect: the team will help you shape it.",
            "affected": "For example, older residents in rural villages, or young carers.",
            "beliefs": "Your hunches and hypotheses: they help the team decide what data to "
            "look at.",
        }
        error_messages = {
            "title": {
                "required": "Enter a short title for your idea",
                "max_length": "The title must be 200 characters or fewer",
            },
            "problem": {"required": "Describe the problem"},
            "question": {"required": "Enter the question or what you do not know yet"},
        }
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ("problem", "question", "affected", "decisions", "beliefs")
        }

    def __init__(self, *args, for_others: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("problem", "question"):
            self.fields[name].required = True
        self.for_others = for_others
        if for_others:
            self.fields["proposer_email"] = forms.EmailField(
                label="The proposer's email address (optional)",
                help_text="If they have an account here: they will see the idea and be told "
                "when it moves. Leave empty for someone without an account.",
                required=False,
                error_messages={"invalid": "Enter an email address like name@example.org"},
            )
            self.fields["organisation"] = forms.ModelChoiceField(
                label="Their organisation (optional if they have an account)",
                help_text="Leave empty to use the organisation on their account.",
                queryset=Organisation.objects.order_by("name"),
                required=False,
                error_messages={"invalid_choice": "Choose an organisation from the list"},
            )
        self.helper.layout = Layout(*self.fields, Submit("submit", self.submit_label))

    def clean(self):
        cleaned = super().clean()
        if not self.for_others:
            return cleaned
        email = cleaned.get("proposer_email")
        cleaned["proposer"] = None
        if email:
            cleaned["proposer"] = User.objects.filter(email__iexact=email, is_active=True).first()
            if cleaned["proposer"] is None:
                self.add_error(
                    "proposer_email",
                    "There is no account with that email address: leave it empty and choose "
                    "their organisation",
                )
        elif not cleaned.get("organisation") and "proposer_email" not in self.errors:
            self.add_error(
                "organisation", "Enter the proposer's email address or choose their organisation"
            )
        return cleaned


class MessageForm(BaseForm):
    """A message on an idea: the facilitator chooses its kind; the proposer always replies."""

    submit_label = "Send"

    kind = forms.ChoiceField(
        label="What kind of message is it?",
        widget=forms.RadioSelect,
        choices=[
            (IdeaMessage.Kind.REQUEST, "Ask the proposer for more information (emailed to them)"),
            (IdeaMessage.Kind.TEAM_NOTE, "A note for the core team (the proposer does not see it)"),
        ],
        error_messages={
            "required": "Choose what kind of message it is",
            "invalid_choice": "Choose what kind of message it is",
        },
    )
    body = _text(
        "Message",
        max_length=5000,
        error_messages={
            "required": "Enter your message",
            "max_length": "Your message must be 5,000 characters or fewer",
        },
    )

    def __init__(self, *args, as_team: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.as_team = as_team
        if not as_team:
            del self.fields["kind"]
            self.fields["body"].label = "Your reply to the team"
            self.submit_label = "Send reply"
        self.helper.layout = Layout(*self.fields, Submit("submit", self.submit_label))

    def message_kind(self) -> str:
        return self.cleaned_data["kind"] if self.as_team else IdeaMessage.Kind.REPLY


class MoveForm(BaseForm):
    """Confirm a move; some moves need a reason, which the proposer sees."""

    reason = _text(
        "Reason",
        "The proposer sees this, so write it for them.",
        required=False,
        max_length=2000,
        error_messages={"max_length": "The reason must be 2,000 characters or fewer"},
    )

    def __init__(self, *args, transition: Transition, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.transition = transition
        if not transition.needs_reason:
            del self.fields["reason"]
        else:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = "Enter the reason"
            self.fields["reason"].label = f"Why? ({transition.label.lower()})"
        css = "govuk-button--warning" if transition.warning else ""
        if transition.secondary:
            css = "govuk-button--secondary"
        self.helper.layout = Layout(*self.fields, Submit("submit", transition.label, css_class=css))


class MergeForm(BaseForm):
    submit_label = "Merge the ideas"

    into = forms.ModelChoiceField(
        label="Which idea should it be merged into?",
        help_text="Its data sources and messages move to the idea you choose, and this one is "
        "withdrawn. Its proposer is told which idea it joined.",
        queryset=Idea.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose the idea to keep",
            "invalid_choice": "Choose one of the open ideas listed",
        },
    )
    reason = _text(
        "Anything to add for the proposer? (optional)",
        rows=3,
        required=False,
        max_length=1000,
        error_messages={"max_length": "Your note must be 1,000 characters or fewer"},
    )

    def __init__(self, *args, candidates, shown, **kwargs) -> None:
        """Any of `candidates` may be chosen; the radios offer `shown`, a page of them."""
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = candidates
        self.fields["into"].choices = [(idea.pk, idea.title) for idea in shown]
        self.helper.layout = Layout(*self.fields, Submit("submit", self.submit_label))


class SearchForm(BaseForm):
    """Words to look for, sent by GET."""

    q = forms.CharField(
        label="Search by title",
        required=False,
        max_length=100,
        error_messages={"max_length": "Search for 100 characters or fewer"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout("q")  # the template writes the button: nothing to send

    def words(self) -> list[str]:
        return self.cleaned_data["q"].split() if self.is_valid() else []


class IdeaFilterForm(BaseForm):
    """The idea queue's filters, sent by GET: status, the proposing organisation, and words in
    the idea. A value that is not offered is reported and left out of the filter."""

    status = forms.ChoiceField(
        label="Status",
        required=False,
        error_messages={"invalid_choice": "Choose a status from the list"},
    )
    organisation = forms.ModelChoiceField(
        label="Proposed by",
        required=False,
        queryset=Organisation.objects.none(),
        empty_label="Any organisation",
        error_messages={"invalid_choice": "Choose an organisation from the list"},
    )
    q = forms.CharField(
        label="Words in the idea",
        help_text="Searches the title, the problem and the question.",
        required=False,
        max_length=100,
        error_messages={"max_length": "Search for 100 characters or fewer"},
    )

    def __init__(self, data, *, organisations, **kwargs) -> None:
        super().__init__(data, **kwargs)
        self.fields["status"].choices = [("", "Any status"), *Status.choices]
        self.fields["organisation"].queryset = organisations
        # The template writes the <form method="get"> and its button, so the button adds
        # nothing to the query string the pages' links carry.
        self.helper.layout = Layout(
            Div(
                *(Div(name, css_class="govuk-grid-column-one-third") for name in self.fields),
                css_class="govuk-grid-row",
            )
        )

    def show_counts(self, counts: dict[str, int]) -> None:
        """Say in each status's label how many ideas choosing it would show."""
        self.fields["status"].choices = [("", f"Any status ({sum(counts.values())})")] + [
            (value, f"{label} ({counts.get(value, 0)})") for value, label in Status.choices
        ]

    def filters(self) -> dict:
        """The filters that are valid (an invalid one is left out)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}
