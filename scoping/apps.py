from django.apps import AppConfig


class ScopingConfig(AppConfig):
    name = "scoping"
    verbose_name = "Scoping"

    def ready(self) -> None:
        # Register this app's dashboard task providers; nothing else imports the module.
        from scoping import dashboard  # noqa: F401
