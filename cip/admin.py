from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime

from cip.models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "at"]
    readonly_fields = ["hostname", "at"]

    def has_add_permission(self, request) -> bool:
        # Rows are written by workers only.
        return False


# Every admin date-and-time field names its two boxes (axe "label"): the same template with the
# "Date:" and "Time:" written as labels. Widget templates come from the form renderer, which reads
# apps' templates, hence cip/templates/.
AdminSplitDateTime.template_name = "cip/admin/split_datetime.html"
