from django import forms
from django.core.exceptions import ValidationError

from cip.forms import BaseForm, BaseModelForm
from teams.models import Organisation, Programme, Role, User, WaysOfWorking


class OrganisationChoiceMixin(forms.Form):
    """Pick a known organisation, or name one that an admin will confirm."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(verified=True),
        required=False,
        empty_label="My organisation is not listed",
        help_text="Choose the organisation you work or volunteer for.",
    )
    new_organisation = forms.CharField(
        label="If your organisation is not listed, what is it called?",
        max_length=200,
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("organisation") and not cleaned.get("new_organisation", "").strip():
            self.add_error("organisation", "Choose your organisation, or enter its name below")
        return cleaned

    def chosen_organisation(self) -> Organisation:
        if self.cleaned_data.get("organisation"):
            return self.cleaned_data["organisation"]
        name = self.cleaned_data["new_organisation"].strip()
        existing = Organisation.objects.filter(name__iexact=name).first()
        return existing or Organisation.objects.create(name=name, kind=Organisation.Kind.VCS)


class SignupDetailsForm(OrganisationChoiceMixin):
    """Extra questions on allauth's sign-up form."""

    display_name = forms.CharField(
        label="Your name",
        max_length=150,
        help_text="Shown to other people working on the programme.",
        error_messages={"required": "Enter your name"},
    )

    field_order = ["display_name", "organisation", "new_organisation"]

    def signup(self, request, user: User) -> None:
        user.display_name = self.cleaned_data["display_name"].strip()
        user.organisation = self.chosen_organisation()
        user.save(update_fields=["display_name", "organisation"])


class ProfileForm(OrganisationChoiceMixin, BaseForm):
    submit_label = "Save changes"

    display_name = forms.CharField(
        label="Your name", max_length=150, error_messages={"required": "Enter your name"}
    )
    introduction = User._meta.get_field("introduction").formfield(
        error_messages={"max_length": "About you must be 600 characters or fewer"}
    )
    what_they_bring = User._meta.get_field("what_they_bring").formfield(
        error_messages={"max_length": "What you bring must be 300 characters or fewer"}
    )
    field_order = [
        "display_name",
        "organisation",
        "new_organisation",
        "introduction",
        "what_they_bring",
    ]


class ProgrammeForm(BaseModelForm):
    submit_label = "Save changes"

    class Meta:
        model = Programme
        fields = ["name", "place", "introduction"]
        error_messages = {
            "name": {"required": "Enter the programme name"},
            "place": {"required": "Enter the place the programme serves"},
        }

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError("Enter the programme name")
        return name


class MemberAddForm(BaseForm):
    submit_label = "Add to the team"

    email = forms.EmailField(
        label="Email address",
        help_text="They need an account on this service already.",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    role = forms.ChoiceField(
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select their role"},
    )
    committed_days = forms.IntegerField(
        label="Days they have agreed to give per project (optional)",
        required=False,
        min_value=0,
        max_value=250,
        error_messages={
            "invalid": "Days must be a whole number, like 8",
            "min_value": "Days must be 0 or more",
            "max_value": "Days must be 250 or fewer",
        },
    )
    listed_publicly = forms.BooleanField(
        label="They agreed to be named on the programme's public page", required=False
    )

    def clean_email(self) -> User:
        email = self.cleaned_data["email"]
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise ValidationError(
                "Nobody has an account with this email address. Ask them to create one, "
                "then add them"
            )
        return user


class WaysOfWorkingForm(BaseModelForm):
    submit_label = "Save the agreement"

    class Meta:
        model = WaysOfWorking
        fields = ["meeting_frequency", "channels", "target_timelines", "time_needed"]
        widgets = {
            field: forms.Textarea(attrs={"rows": 4})
            for field in ["channels", "target_timelines", "time_needed"]
        }
