from django.apps import AppConfig


class LandingConfig(AppConfig):
    name = "landing"
    verbose_name = "Public site"

    def ready(self) -> None:
        from landing import signals  # noqa: F401
