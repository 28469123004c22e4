"""allauth views we adjust."""

from allauth.mfa.base import views as mfa


class AuthenticateView(mfa.AuthenticateView):
    """The code page while signing in. allauth takes a POST without a `code` field for a
    passkey's answer; passkeys are off here, so it had no form to show and failed with a 500.
    Such a POST is a code left empty: the page asks for the code again."""

    def _build_forms(self):
        if self.request.method != "POST" or "code" in self.request.POST:
            return super()._build_forms()
        data = self.request.POST.copy()
        data["code"] = ""
        self.webauthn_form = None
        self.auth_form = self.get_form_class()(user=self.stage.login.user, data=data)
        return self.auth_form


authenticate = AuthenticateView.as_view()
