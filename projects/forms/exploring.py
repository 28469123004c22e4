"""Forms for exploring solutions: similar work, the research log, solution ideas and skills."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from cip.forms import BaseForm, BaseModelForm, RealDateInputField
from projects.forms.personal_data import PersonalDataCheckMixin
from projects.models import (
    ProjectMember,
    ResearchSession,
    SimilarWork,
    SolutionIdea,
    SolutionSkill,
)

SKETCH_TYPES = "image/png,image/jpeg,image/gif,image/webp"


def _rows(n: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": n})


class SimilarWorkForm(BaseModelForm):
    submit_label = "Add it"

    class Meta:
        model = SimilarWork
        fields = ["title", "kind", "who", "link", "notes"]
        labels = {
            "title": "What is it?",
            "kind": "Where is it from?",
            "who": "Who did it (optional)",
            "link": "Link (optional)",
        }
        help_texts = {
            "title": "For example, “Haringey's map of cost-of-living support”.",
            "notes": "The approach, how they presented the data, and what worked for them.",
        }
        widgets = {"kind": forms.RadioSelect, "notes": _rows(4)}
        error_messages = {
            "title": {"required": "Enter what the work is"},
            "notes": {"required": "Enter what the team can learn from it"},
            "link": {"invalid": "Enter a link in the right format, like https://example.org"},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["link"].assume_scheme = "https"
        self.helper.layout = Layout(
            "title",
            Field.radios("kind", legend_size=Size.SMALL),
            "who",
            "link",
            "notes",
            Submit("submit", self.submit_label),
        )


class ResearchSessionForm(PersonalDataCheckMixin, BaseModelForm):
    """A planned or held interview or group session. Its text is checked for personal data."""

    submit_label = "Save the session"
    checked_fields = ("reached", "themes", "quotes")

    held_on = RealDateInputField(
        label="When is it, or when was it?",
        help_text="For example, 27 3 2026",
        require_all_fields=False,
    )

    class Meta:
        model = ResearchSession
        fields = ["kind", "state", "held_on", "reached", "themes", "quotes"]
        labels = {
            "kind": "What kind of session?",
            "state": "Has it happened?",
            "reached": "Who was reached",
            "themes": "Themes (optional)",
            "quotes": "Quotes (optional)",
        }
        help_texts = {
            "reached": "In general terms, like “four food bank volunteers” or “parents at a "
            "children's centre”. Never names or contact details.",
            "themes": "What came up, in your words.",
            "quotes": "Words people said that tell the story. Leave out anything that would "
            "identify them.",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "state": forms.RadioSelect,
            "reached": _rows(2),
            "themes": _rows(5),
            "quotes": _rows(5),
        }
        error_messages = {
            "reached": {"required": "Enter who the session reaches, in general terms"},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].error_messages.update(
            required="Enter the date of the session", incomplete="Enter the date of the session"
        )
        self.fields["state"].choices = ResearchSession.State.choices
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.SMALL, inline=True),
            Field.radios("state", legend_size=Size.SMALL, inline=True),
            Field("held_on", legend_size=Size.SMALL),
            "reached",
            "themes",
            "quotes",
            "checked",
            Submit("submit", self.submit_label),
        )


class SolutionIdeaForm(BaseModelForm):
    submit_label = "Save the solution idea"

    sketch = forms.FileField(
        label="A sketch (optional)",
        help_text="A photo or drawing of what people would see: PNG, JPEG, GIF or WebP, smaller "
        "than 5 MB. Only the project team can see it.",
        required=False,
        widget=forms.FileInput(attrs={"accept": SKETCH_TYPES}),
    )

    class Meta:
        model = SolutionIdea
        fields = [
            "title",
            "kind",
            "audience",
            "what_to_see",
            "narrative",
            "caveats",
            "uses",
            "data_sources",
            "sketch_description",
        ]
        labels = {
            "title": "Name the solution",
            "kind": "What kind of solution is it?",
            "narrative": "The story it tells (optional)",
            "caveats": "Caveats and limits (optional)",
            "data_sources": "Which data would it use? (optional)",
            "sketch_description": "Describe the sketch (needed with a sketch)",
        }
        help_texts = {
            "audience": "Who will use it, and what will they do with it?",
            "what_to_see": "Start from the question: the figures, comparisons or places "
            "that would let them act.",
            "caveats": "What people must know before they use it, for example “you cannot use "
            "this figure in a funding bid because one source is unchecked”.",
            "sketch_description": "What the sketch shows, for people who cannot see it.",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "audience": _rows(3),
            "what_to_see": _rows(4),
            "narrative": _rows(4),
            "caveats": _rows(3),
            "data_sources": forms.CheckboxSelectMultiple,
            "sketch_description": _rows(2),
        }
        error_messages = {
            "title": {"required": "Enter a name for the solution"},
            "kind": {"required": "Choose what kind of solution it is"},
            "audience": {"required": "Enter who the solution is for"},
            "what_to_see": {"required": "Enter what they would need to see to act"},
        }

    uses = forms.MultipleChoiceField(
        label="What does it do with the data? (optional)",
        help_text="Select all that apply. This decides the skills it needs and what the "
        "solution-stage data safety check looks at.",
        choices=SolutionIdea.Use.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, data_sources, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["data_sources"].queryset = data_sources
        self.fields["data_sources"].label_from_instance = lambda source: source.name
        fields = ["title", Field.radios("kind", legend_size=Size.SMALL), "audience"]
        fields += ["what_to_see", "narrative", "caveats"]
        fields += [Field.checkboxes("uses", legend_size=Size.SMALL)]
        if data_sources.exists():
            fields += [Field.checkboxes("data_sources", legend_size=Size.SMALL)]
        else:
            del self.fields["data_sources"]
        fields += ["sketch", "sketch_description", Submit("submit", self.submit_label)]
        self.helper.layout = Layout(*fields)

    def clean(self):
        data = super().clean()
        has_sketch = data.get("sketch") or self.instance.sketch_name
        if has_sketch and not (data.get("sketch_description") or "").strip():
            self.add_error("sketch_description", "Describe what the sketch shows")
        return data


class SkillsForm(BaseForm):
    """Who on the project team brings each skill the solution needs."""

    submit_label = "Save who brings each skill"

    def __init__(self, *args, skills: list[str], members, current: dict[str, int | None], **kw):
        super().__init__(*args, **kw)
        choices = [("", "Nobody on the team yet")] + [
            (str(m.pk), f"{m.name}, {m.role}") for m in members
        ]
        self.members = {str(m.pk): m for m in members}
        for skill in skills:
            self.fields[skill] = forms.ChoiceField(
                label=SolutionSkill(skill).label,
                choices=choices,
                required=False,
                initial=str(current.get(skill) or ""),
            )
        self.helper.layout = Layout(*self.fields, Submit("submit", self.submit_label))

    def chosen(self) -> dict[str, ProjectMember | None]:
        return {skill: self.members.get(value) for skill, value in self.cleaned_data.items()}
