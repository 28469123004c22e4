from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = "People and programmes"

    def ready(self) -> None:
        # Register this app's dashboard task providers; nothing else imports the module.
        from teams import dashboard  # noqa: F401
