"""The shared form base: what every model form gets."""

from django import forms

from cip.forms import BaseModelForm
from scoping.models import DataSource


class KindForm(BaseModelForm):
    class Meta:
        model = DataSource
        fields = ["kind"]
        widgets = {"kind": forms.RadioSelect}


def test_model_choices_as_radios_offer_no_blank_answer():
    choices = KindForm().fields["kind"].choices
    assert choices and all(value != "" for value, _ in choices)
    assert "---------" not in str(KindForm()["kind"])


def test_a_required_radio_left_unchosen_is_an_error():
    form = KindForm(data={})
    assert not form.is_valid() and "kind" in form.errors
