from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from cip import views
from landing.api import api, openapi_document
from teams import account_views
from teams.views import dashboard, dashboard_tasks

admin.site.site_header = "Community Insights administration"
admin.site.site_title = "Community Insights admin"
# Admins sign in through the service's own login, so MFA and rate limits apply to them too.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", include("landing.urls")),
    path("api/v1/openapi.json", openapi_document, name="api_openapi"),
    path("api/v1/", api.urls),
    path("dashboard/", dashboard, name="dashboard"),
    path("dashboard/tasks/<slug:group>/", dashboard_tasks, name="dashboard_tasks"),
    path("", include("teams.urls")),
    path("", include("safety.urls")),
    path("", include("scoping.urls")),
    path("", include("projects.urls")),
    # Before allauth's own, which it replaces (an empty POST gave a 500).
    path("accounts/2fa/authenticate/", account_views.authenticate, name="mfa_authenticate"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
]

handler400 = "cip.views.bad_request"
handler403 = "cip.views.permission_denied"
handler404 = "cip.views.page_not_found"
handler500 = "cip.views.server_error"
