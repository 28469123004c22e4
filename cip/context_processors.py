from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict:
    return {"SITE_NAME": settings.SITE_NAME}
