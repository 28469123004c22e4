"""Forms for reflecting: the survey, retrospective cards, lessons and method changes."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from cip.forms import BaseForm, BaseModelForm
from projects.models import Lesson, MethodChange, RetroCard
from projects.reflection import ONE, QUESTIONS, TEXT


class SurveyForm(BaseForm):
    """The survey's questions (every one optional) and how the answers are recorded."""

    submit_label = "Send my answers"

    token = forms.CharField(widget=forms.HiddenInput)
    recorded = forms.ChoiceField(
        label="How should we record your answers?",
        choices=(
            ("named", "With my name"),
            ("anonymous", "Anonymously: store nothing that links them to me"),
        ),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to answer with your name or anonymously"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        layout = [Field.radios("recorded", legend_size=Size.MEDIUM), "token"]
        for question in QUESTIONS:
            if question.kind == TEXT:
                field = forms.CharField(
                    label=question.label,
                    help_text=question.hint,
                    required=False,
                    max_length=4000,
                    widget=forms.Textarea(attrs={"rows": 4}),
                )
                layout.append(question.key)
            elif question.kind == ONE:
                field = forms.ChoiceField(
                    label=question.label,
                    help_text=question.hint,
                    choices=question.choices,
                    required=False,
                    widget=forms.RadioSelect,
                )
                layout.append(Field.radios(question.key, legend_size=Size.SMALL))
            else:
                field = forms.MultipleChoiceField(
                    label=question.label,
                    help_text=question.hint,
                    choices=question.choices,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )
                layout.append(Field.checkboxes(question.key, legend_size=Size.SMALL))
            self.fields[question.key] = field
        self.helper.layout = Layout(*layout, Submit("submit", self.submit_label))

    def clean(self):
        data = super().clean()
        if not any(data.get(q.key) for q in QUESTIONS):
            raise ValidationError("Answer at least one question")
        return data

    def answers(self) -> dict[str, list[str] | str]:
        data = self.cleaned_data
        return {q.key: data[q.key] for q in QUESTIONS if data.get(q.key)}

    @property
    def anonymous(self) -> bool:
        return self.cleaned_data["recorded"] == "anonymous"


class CardForm(BaseModelForm):
    submit_label = "Add the card"

    class Meta:
        model = RetroCard
        fields = ["column", "text"]
        labels = {"column": "Which column is it for?", "text": "What do you want to say?"}
        help_texts = {"text": "One point on each card. Everyone on the project can read it."}
        widgets = {"column": forms.RadioSelect, "text": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "column": {"required": "Choose the column for the card"},
            "text": {"required": "Enter what you want to say"},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["column"].choices = RetroCard.Column.choices
        if self.instance.pk:
            self.submit_label = "Save the card"
        self.helper.layout = Layout(
            Field.radios("column", legend_size=Size.SMALL, inline=True),
            "text",
            Submit("submit", self.submit_label),
        )


class MergeForm(BaseForm):
    submit_label = "Merge the cards"

    into = forms.ModelChoiceField(
        queryset=RetroCard.objects.none(),
        label="Which card does it say the same as?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the card to merge it into"},
    )

    def __init__(self, *args, card: RetroCard, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        others = card.project.retro_cards.filter(merged_into=None).exclude(pk=card.pk)
        self.fields["into"].queryset = others
        self.fields["into"].label_from_instance = lambda c: c.text[:200]
        self.helper.layout = Layout(
            Field.radios("into", legend_size=Size.SMALL), Submit("submit", self.submit_label)
        )


class LessonForm(BaseModelForm):
    submit_label = "Save the lesson"

    class Meta:
        model = Lesson
        fields = ["step", "title", "body", "is_public"]
        labels = {
            "step": "Which step of the method is it about?",
            "title": "Lesson",
            "body": "What happened, and what to do next time",
            "is_public": "Other programmes may read it",
        }
        help_texts = {
            "title": "In a sentence, for example “Book the data owners before scoping”.",
            "body": "You can use Markdown. Leave out anything that identifies a resident.",
        }
        widgets = {"step": forms.RadioSelect, "body": forms.Textarea(attrs={"rows": 8})}
        error_messages = {
            "step": {"required": "Choose the step the lesson is about"},
            "title": {"required": "Enter the lesson in a sentence"},
            "body": {"required": "Enter what happened and what to do next time"},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = Lesson._meta.get_field("step").choices
        self.helper.layout = Layout(
            Field.radios("step", legend_size=Size.SMALL),
            "title",
            "body",
            Field.checkbox("is_public"),
            Submit("submit", self.submit_label),
        )


class LessonFilterForm(forms.Form):
    step = forms.ChoiceField(
        choices=[("", "Every step"), *Lesson._meta.get_field("step").choices], required=False
    )


class MethodChangeForm(BaseModelForm):
    submit_label = "Publish the change"

    class Meta:
        model = MethodChange
        fields = ["version", "summary", "body"]
        labels = {
            "version": "Version",
            "summary": "What changed, in a sentence",
            "body": "More detail (optional)",
        }
        help_texts = {
            "version": "For example 1.1. Each version appears once.",
            "body": "You can use Markdown. It is published on the programme's public page.",
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
        error_messages = {
            "version": {"required": "Enter the version, like 1.1"},
            "summary": {"required": "Enter what changed"},
        }

    def __init__(self, *args, programme, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["version"].widget.attrs["class"] = "govuk-input--width-5"

    def clean_version(self):
        version = self.cleaned_data["version"]
        taken = MethodChange.objects.filter(programme=self.programme, version=version)
        if taken.exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"Version {version} is already published: choose another")
        return version
