"""The base every form in the product builds on: GOV.UK layout, labels and error summary, and
the fields more than one app shares."""

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, QueryDict


class GovukFormMixin:
    """Render with crispy-forms-gds: large labels off, one submit button, error summary on."""

    submit_label = "Continue"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False  # templates write the <form> so they control its action
        self.helper.layout = Layout(*self.fields, Submit("submit", self.submit_label))


class BaseForm(GovukFormMixin, forms.Form):
    pass


class BaseModelForm(GovukFormMixin, forms.ModelForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A model field's choices start with Django's blank "---------", which as a radio button
        # is an answer nobody means: GOV.UK radios start with none chosen.
        for field in self.fields.values():
            radios = isinstance(field.widget, forms.RadioSelect)
            if radios and type(field) in (forms.ChoiceField, forms.TypedChoiceField):
                field.choices = [choice for choice in field.choices if choice[0] != ""]


class RealDateInputField(DateInputField):
    """A GOV.UK date input that says so when the day, month and year make no date (31 2 2030),
    rather than passing on Python's "day is out of range for month"."""

    default_error_messages = {"not_a_date": "The date must be a real date, like 27 3 2026"}

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except ValidationError as error:
            raise ValidationError(self.error_messages["not_a_date"], code="not_a_date") from error


def posted(request: HttpRequest) -> QueryDict | None:
    """Form data when the request is a POST, even an empty one, so empty forms show errors."""
    return request.POST if request.method == "POST" else None
