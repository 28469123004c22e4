from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Projects"

    def ready(self) -> None:
        # Register this app's dashboard task providers; nothing else imports the module.
        from projects import (
            dashboard,  # noqa: F401
            signals,  # noqa: F401 (connects the receivers)
        )
        from projects.safety_hooks import register_with_safety  # noqa: PLC0415

        register_with_safety()
