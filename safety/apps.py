from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "safety"
    verbose_name = "Data safety"

    def ready(self) -> None:
        # Register this app's dashboard task providers; nothing else imports the module.
        from safety import dashboard  # noqa: F401
        from safety.rules import may_download_data  # noqa: PLC0415
        from teams.rules import register_mfa_reason  # noqa: PLC0415

        register_mfa_reason(may_download_data)
