from django.apps import AppConfig


class CipConfig(AppConfig):
    name = "cip"
    verbose_name = "Community Insights platform"

    def ready(self) -> None:
        from cip import sessions  # noqa: F401 (connects the session rules' receivers)
