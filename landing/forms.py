from django import forms

from cip.forms import BaseForm, BaseModelForm
from landing.models import NewsPost, Principle


class SubscribeForm(BaseForm):
    submit_label = "Get updates"

    email = forms.EmailField(
        label="Email address",
        help_text="We will send you a link to confirm. We only use your address for these updates.",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )


class PrincipleForm(BaseModelForm):
    submit_label = "Save the principle"

    class Meta:
        model = Principle
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        error_messages = {
            "title": {"required": "Enter the principle's title"},
            "description": {"required": "Describe what the principle means in practice"},
        }


class NewsPostForm(BaseModelForm):
    submit_label = "Save"

    publish = forms.BooleanField(
        label="Publish now and email it to subscribers",
        required=False,
        help_text="Leave unticked to keep it as a draft only the team can see.",
    )

    class Meta:
        model = NewsPost
        fields = ["title", "summary", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}
        error_messages = {
            "title": {"required": "Enter a title"},
            "summary": {"required": "Enter a short summary"},
            "body": {"required": "Enter the update"},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.published_at:
            del self.fields["publish"]
            self.helper.layout.fields.remove("publish")
