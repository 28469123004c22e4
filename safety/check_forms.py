"""Forms for safety checks, their sign-off and conditions, and sharing agreements."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from cip.forms import BaseForm, BaseModelForm, RealDateInputField
from safety.checks import ConditionInput, special_category_sources
from safety.models import (
    CheckCondition,
    Outcome,
    SafetyCheck,
    SharingAgreement,
    Stage,
)
from safety.questions import ANSWERS, QUESTIONS, UNKNOWN, YES
from scoping.models import DataSource
from teams.models import Membership, Organisation, Role, User

CONDITION_SLOTS = 3


def _one_line(value: str) -> str:
    return " ".join(value.split())


class CheckForm(BaseForm):
    """The stage's questions, each answered yes, no or not known yet with a note; at evaluation,
    the analysts who may work on the data. Two buttons: save a draft, or send for sign-off."""

    def __init__(self, *args, check: SafetyCheck, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.safety_check = check
        parts = []
        for question in QUESTIONS[check.stage]:
            answer, note = f"{question.key}_answer", f"{question.key}_note"
            current = check.answers.get(question.key) or {}
            self.fields[answer] = forms.ChoiceField(
                label=question.text,
                help_text=question.hint,
                choices=ANSWERS,
                widget=forms.RadioSelect,
                initial=current.get("answer"),
                error_messages={"required": f"Answer ‘{question.text}’"},
            )
            self.fields[note] = forms.CharField(
                label="Notes, or what you are assuming if it is not known yet",
                required=False,
                max_length=2000,
                initial=current.get("note", ""),
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            parts += [Field.radios(answer, legend_size=Size.SMALL, inline=True), note]
        if check.stage == Stage.EVALUATION:
            self.fields["analysts"] = forms.ModelMultipleChoiceField(
                label="Which analysts may work on this data for the initial analysis?",
                help_text="Only the analysts named here, and the data owner, may have the data "
                "once the check is approved. The original file also needs a signed sharing "
                "agreement.",
                queryset=User.objects.filter(
                    memberships__programme=check.idea.programme,
                    memberships__role=Role.DATA_ANALYST,
                    memberships__ended_at__isnull=True,
                    is_active=True,
                ).distinct(),
                required=False,
                initial=list(check.analysts.values_list("pk", flat=True)) if check.pk else [],
                widget=forms.CheckboxSelectMultiple,
            )
            parts.append(Field.checkboxes("analysts", legend_size=Size.SMALL))
        self.helper.layout = Layout(
            *parts,
            Submit("send", "Send for sign-off"),
            Submit("save", "Save as draft", css_class="govuk-button--secondary"),
        )

    def clean(self):
        data = super().clean()
        for question in QUESTIONS[self.safety_check.stage]:
            answer = data.get(f"{question.key}_answer")
            note = (data.get(f"{question.key}_note") or "").strip()
            if answer == UNKNOWN and not note:
                self.add_error(
                    f"{question.key}_note",
                    f"Write down what you are assuming about ‘{question.text}’",
                )
            elif answer == YES and question.yes_needs_note and not note:
                self.add_error(
                    f"{question.key}_note",
                    f"Say what will be done about ‘{question.text}’",
                )
        return data

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            q.key: {
                "answer": data[f"{q.key}_answer"],
                "note": data[f"{q.key}_note"].strip(),
            }
            for q in QUESTIONS[self.safety_check.stage]
        }


class SignOffForm(BaseForm):
    """The reviewer's outcome, a note, and up to three conditions with an owner and due date."""

    submit_label = "Record the decision"

    outcome = forms.ChoiceField(
        label="What is the outcome of this check?",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome"},
    )
    note = forms.CharField(
        label="Reasons and advice",
        help_text="The author and the evidence pack show this.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, check: SafetyCheck, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        owners = _condition_owners(check)
        fieldsets = []
        for n in range(1, CONDITION_SLOTS + 1):
            self.fields[f"condition_{n}"] = forms.CharField(
                label="Condition", required=False, max_length=300
            )
            self.fields[f"owner_{n}"] = forms.ModelChoiceField(
                label="Who will meet it?",
                queryset=owners,
                required=False,
                empty_label="Choose someone",
            )
            self.fields[f"due_{n}"] = RealDateInputField(
                label="When is it due?", help_text="For example, 27 3 2027", required=False
            )
            fieldsets.append(
                Fieldset(
                    f"condition_{n}",
                    f"owner_{n}",
                    Field(f"due_{n}"),
                    legend=f"Condition {n} (only with an approval with conditions)",
                    legend_size=Size.SMALL,
                )
            )
        self.helper.layout = Layout(
            Field.radios("outcome", legend_size=Size.MEDIUM),
            "note",
            *fieldsets,
            Submit("submit", self.submit_label),
        )

    def clean(self):
        data = super().clean()
        self._conditions: list[ConditionInput] = []
        for n in range(1, CONDITION_SLOTS + 1):
            text = _one_line(data.get(f"condition_{n}") or "")
            owner, due = data.get(f"owner_{n}"), data.get(f"due_{n}")
            if not (text or owner or due):
                continue
            if not text:
                self.add_error(f"condition_{n}", f"Enter condition {n}")
            if owner is None:
                self.add_error(f"owner_{n}", f"Choose who will meet condition {n}")
            if due is None:
                self.add_error(f"due_{n}", f"Enter the date condition {n} is due")
            elif due < timezone.localdate():
                self.add_error(f"due_{n}", f"The due date of condition {n} must be in the future")
            if text and owner is not None and due is not None:
                self._conditions.append(ConditionInput(text, owner, due))
        outcome = data.get("outcome")
        if (
            outcome == Outcome.APPROVED_WITH_CONDITIONS
            and not self._conditions
            and not (self.errors)
        ):
            self.add_error("condition_1", "Enter at least one condition")
        elif outcome and outcome != Outcome.APPROVED_WITH_CONDITIONS and self._conditions:
            self.add_error("outcome", "Choose ‘Approved with conditions’, or remove the conditions")
        return data

    def conditions(self) -> list[ConditionInput]:
        return self._conditions


def _condition_owners(check: SafetyCheck):
    """Who may own a condition: the programme's team and the owning organisation's people."""
    people = User.objects.filter(
        memberships__programme=check.idea.programme, memberships__ended_at__isnull=True
    )
    if check.data_source_id and check.data_source.owner_id:
        people = people | User.objects.filter(
            organisation_id=check.data_source.owner_id, organisation_confirmed=True
        )
    return people.filter(is_active=True).distinct().order_by("display_name", "email")


class ConditionForm(BaseForm):
    submit_label = "Save"

    status = forms.ChoiceField(
        label="Has the condition been met?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the condition has been met"},
    )
    note = forms.CharField(
        label="How was it met, or why is it accepted?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter how the condition was met, or why it is accepted"},
    )

    def __init__(self, *args, may_accept: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(CheckCondition.Status.MET, "Yes, it has been met")]
        if may_accept:
            choices.append((CheckCondition.Status.ACCEPTED, "No, but the risk is accepted"))
        self.fields["status"].choices = choices
        self.helper.layout = Layout(
            Field.radios("status", legend_size=Size.MEDIUM), "note", Submit("submit", "Save")
        )


class PurposeForm(BaseForm):
    submit_label = "Download"

    purpose = forms.CharField(
        label="Why do you need this document?",
        help_text="This is recorded with your name and the time, and shown to the parties.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why you need the document"},
    )


class ReasonForm(BaseForm):
    submit_label = "End the agreement"

    reason = forms.CharField(
        label="Why is the agreement ending?",
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the agreement is ending"},
    )


def programme_organisations(programme, also=()) -> QuerySet[Organisation]:
    """The organisations that can be party to a programme's agreement: its lead organisation,
    those holding its data sources and those its team works for (and ``also``, the parties an
    agreement already names), rather than every organisation in the service."""
    return Organisation.objects.filter(
        Q(pk=programme.lead_organisation_id)
        | Q(pk__in=DataSource.objects.filter(idea__programme=programme).values("owner"))
        | Q(pk__in=Membership.objects.filter(programme=programme).values("user__organisation"))
        | Q(pk__in=[org.pk for org in also])
    ).order_by("name")


class AgreementForm(BaseModelForm):
    submit_label = "Save the agreement"

    start_date = RealDateInputField(label="Start date", help_text="For example, 1 4 2027")
    review_date = RealDateInputField(label="Review date", help_text="For example, 1 10 2027")
    end_date = RealDateInputField(label="End date", help_text="For example, 31 3 2028")

    class Meta:
        model = SharingAgreement
        fields = [
            "title",
            "parties",
            "purpose",
            "lawful_basis",
            "special_category_condition",
            "data_categories",
            "data_sources",
            "start_date",
            "review_date",
            "end_date",
            "external_reference",
        ]
        labels = {
            "title": "Name of the agreement",
            "parties": "Which organisations are parties to it?",
            "purpose": "What is the data shared for?",
            "lawful_basis": "Lawful basis (UK GDPR Article 6)",
            "special_category_condition": "Condition for special-category data (Article 9)",
            "data_categories": "What kinds of data does it cover?",
            "data_sources": "Which data sources does it cover?",
            "external_reference": "External reference (optional)",
        }
        help_texts = {
            "special_category_condition": "Only where health, ethnicity, religion or other "
            "special-category data is shared.",
            "data_categories": "For example: visit dates, ward, age band, household size.",
            "external_reference": "For example the Information Sharing Gateway entry or the "
            "DPIA number.",
        }
        widgets = {
            "parties": forms.CheckboxSelectMultiple,
            "data_sources": forms.CheckboxSelectMultiple,
            "lawful_basis": forms.RadioSelect,
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "data_categories": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "title": {"required": "Enter the name of the agreement"},
            "parties": {"required": "Choose the organisations that are parties to it"},
            "purpose": {"required": "Enter what the data is shared for"},
            "lawful_basis": {"required": "Choose the lawful basis"},
            "data_categories": {"required": "Enter the kinds of data it covers"},
        }

    def __init__(self, *args, programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        self.fields["parties"].queryset = programme_organisations(
            programme, also=self.instance.parties.all() if self.instance.pk else ()
        )
        self.fields["data_sources"].queryset = DataSource.objects.filter(
            idea__programme=programme
        ).select_related("idea")
        self.fields["data_sources"].label_from_instance = lambda s: f"{s.name} ({s.idea.title})"
        self.fields["data_sources"].required = False
        self.fields["special_category_condition"].choices = [
            ("", "None: no special-category data")
        ] + list(self.fields["special_category_condition"].choices)[1:]
        for name in ("start_date", "review_date", "end_date"):
            self.fields[name].error_messages["required"] = f"Enter the {name.split('_')[0]} date"
        self.helper.layout = Layout(
            "title",
            Field.checkboxes("parties", legend_size=Size.SMALL),
            "purpose",
            Field.radios("lawful_basis", legend_size=Size.SMALL),
            "special_category_condition",
            "data_categories",
            Field.checkboxes("data_sources", legend_size=Size.SMALL),
            "start_date",
            "review_date",
            "end_date",
            "external_reference",
            Submit("submit", self.submit_label),
        )

    def clean_title(self) -> str:
        return _one_line(self.cleaned_data["title"])

    def clean(self):
        data = super().clean()
        start, review, end = (data.get(f) for f in ("start_date", "review_date", "end_date"))
        if start and review and review < start:
            self.add_error("review_date", "The review date must be on or after the start date")
        if review and end and end < review:
            self.add_error("end_date", "The end date must be on or after the review date")
        special = special_category_sources(data.get("data_sources") or [])
        if special and not data.get("special_category_condition"):
            self.add_error(
                "special_category_condition",
                "Choose the Article 9 condition: the evaluation check says "
                f"{', '.join(special)} includes special-category data",
            )
        return data


class DocumentForm(BaseForm):
    submit_label = "Upload and mark as signed"

    document = forms.FileField(
        label="Upload the signed agreement",
        help_text="A PDF or Word document (.docx). It is stored encrypted.",
        error_messages={"required": "Choose the signed agreement to upload"},
    )
