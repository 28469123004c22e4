"""The base every form in the product builds on: GOV.UK layout, labels and error summary."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Submit
from django import forms
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
    pass


def posted(request: HttpRequest) -> QueryDict | None:
    """Form data when the request is a POST, even an empty one, so empty forms show errors."""
    return request.POST if request.method == "POST" else None
