from django.contrib import admin

from cip.models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "at"]
    readonly_fields = ["hostname", "at"]

    def has_add_permission(self, request) -> bool:
        # Rows are written by workers only.
        return False
