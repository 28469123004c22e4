from django.contrib import admin

from cip.admin import ReadOnlyAdmin
from safety.models import (
    CheckCondition,
    ColumnFinding,
    Dataset,
    DatasetAccess,
    KeyRotation,
    PostcodeHouseholds,
    RedactedCopy,
    SafetyCheck,
    SafetySettings,
    SharingAgreement,
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


# Checks and agreements: signed off and recorded on the service's pages only, where the
# separation of duties holds (an admin who wrote a check cannot sign it off there either).
@admin.register(SafetyCheck)
class SafetyCheckAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "stage", "version", "status", "outcome", "signed_off_at"]
    list_filter = ["stage", "status", "outcome", "idea__programme"]
    search_fields = ["idea__title", "data_source__name", "sign_off_note"]
    list_select_related = ["idea", "data_source"]
    exclude = ["analysts"]


@admin.register(CheckCondition)
class CheckConditionAdmin(ReadOnlyAdmin):
    list_display = ["text", "safety_check", "owner", "due_date", "status"]
    list_filter = ["status", "safety_check__idea__programme"]
    search_fields = ["text", "safety_check__idea__title", "owner__email"]
    list_select_related = ["safety_check__idea", "owner"]


@admin.register(SharingAgreement)
class SharingAgreementAdmin(ReadOnlyAdmin):
    list_display = ["title", "programme", "status", "review_date", "end_date"]
    list_filter = ["status", "lawful_basis", "programme"]
    search_fields = ["title", "external_reference", "purpose"]
    list_select_related = ["programme"]
    exclude = ["parties", "data_sources", "document_stored_name"]


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
