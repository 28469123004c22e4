from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime

from cip.models import WorkerHeartbeat


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written through the service's own pages, which check roles, separation of duties
    and the lifecycle: the admin lists and shows them, and changes none."""

    list_per_page = 50

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_per_page = 50
    list_display = ["hostname", "at"]
    search_fields = ["hostname"]
    readonly_fields = ["hostname", "at"]

    def has_add_permission(self, request) -> bool:
        # Rows are written by workers only.
        return False


# Every admin date-and-time field names its two boxes (axe "label"): the same template with the
# "Date:" and "Time:" written as labels. Widget templates come from the form renderer, which reads
# apps' templates, hence cip/templates/.
AdminSplitDateTime.template_name = "cip/admin/split_datetime.html"
# Admin lists show 50 rows a page (Django's default of 100 is slow to render with the filters).
# Our own ModelAdmins say so themselves (tests/test_admin_lists.py checks each); the ones that
# come with Django, allauth, auditlog and Celery beat, all registered before this module runs,
# get it here.
LIST_PER_PAGE = 50
OUR_APPS = {"cip", "teams", "scoping", "safety", "projects", "landing"}

for _model, _model_admin in list(admin.site._registry.items()):
    if _model._meta.app_label not in OUR_APPS:
        admin.site.unregister(_model)
        admin.site.register(
            _model,
            type(
                type(_model_admin).__name__, (type(_model_admin),), {"list_per_page": LIST_PER_PAGE}
            ),
        )
