from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SERVICE_OWNER": settings.SERVICE_OWNER,
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
    }
