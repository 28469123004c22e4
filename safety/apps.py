from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "safety"
    verbose_name = "Data safety"

    def ready(self) -> None:
        # Register this app's dashboard task providers; nothing else imports the module.
        from safety import dashboard  # noqa: F401
