from django.contrib import admin

from safety.models import (
    ColumnFinding,
    Dataset,
    DatasetAccess,
    KeyRotation,
    PostcodeHouseholds,
    RedactedCopy,
    SafetySettings,
)


class ColumnFindingInline(admin.TabularInline):
    model = ColumnFinding
    extra = 0
    can_delete = False
    fields = ["name", "pii_types", "matches", "suggested_action", "chosen_action"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    """Metadata only: the bytes are read through the dataset pages, which log every read."""

    list_per_page = 50

    list_display = ["original_filename", "data_source", "owner", "status", "created_at"]
    list_filter = ["status", "data_source__idea__programme"]
    search_fields = ["original_filename", "data_source__name", "owner__name"]
    list_select_related = ["data_source__idea", "owner"]
    readonly_fields = [
        "data_source",
        "owner",
        "uploaded_by",
        "original_filename",
        "sha256",
        "size",
        "content_type",
        "sheet",
        "status",
        "rows_done",
        "attempts",
        "redaction_attempts",
        "error_message",
        "lease_holder",
        "lease_expires_at",
        "queued_at",
        "retried_at",
        "files_deleted_at",
    ]
    fields = [*readonly_fields, "retention_until"]
    inlines = [ColumnFindingInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # files go at the retention date (safety.tasks), recorded in the log


@admin.register(DatasetAccess)
class DatasetAccessAdmin(admin.ModelAdmin):
    list_per_page = 50
    list_display = ["at", "dataset", "user", "what", "purpose"]
    list_filter = ["what", "dataset__data_source__idea__programme"]
    search_fields = ["dataset__original_filename", "user__email", "purpose"]
    list_select_related = ["dataset", "user"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RedactedCopy)
class RedactedCopyAdmin(admin.ModelAdmin):
    list_per_page = 50
    list_display = ["dataset", "rows", "created_at"]
    search_fields = ["dataset__original_filename"]
    list_select_related = ["dataset"]
    readonly_fields = ["dataset", "remedies", "size", "sha256", "rows"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PostcodeHouseholds)
class PostcodeHouseholdsAdmin(admin.ModelAdmin):
    """Import the whole table with `manage.py import_postcode_households FILE`."""

    list_per_page = 50

    list_display = ["postcode", "households"]
    search_fields = ["postcode"]


@admin.register(SafetySettings)
class SafetySettingsAdmin(admin.ModelAdmin):
    list_per_page = 50
    list_display = ["programme", "min_cell_count"]
    search_fields = ["programme__name"]
    list_select_related = ["programme"]


@admin.register(KeyRotation)
class KeyRotationAdmin(admin.ModelAdmin):
    """Runs of `manage.py rotate_encryption_key`: written by the command only."""

    list_per_page = 50
    list_display = [
        "started_at",
        "finished_at",
        "key_fingerprint",
        "files_rotated",
        "files_current",
        "files_unreadable",
        "secrets_rotated",
        "secrets_unreadable",
    ]
    search_fields = ["key_fingerprint"]
    readonly_fields = [field.name for field in KeyRotation._meta.fields if field.name != "id"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
