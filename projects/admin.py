from django.contrib import admin

from cip.admin import ReadOnlyAdmin
from projects.models import (
    Action,
    BlogPost,
    FeedbackItem,
    Insight,
    InterestRegistration,
    Lesson,
    MethodChange,
    Plenary,
    PlenaryRegistration,
    Project,
    ProjectEvent,
    ProjectMember,
    SelectionScore,
    TestingWorkshop,
    WorkshopBooking,
)


class ProjectEventInline(admin.TabularInline):
    """The history, read-only: moves are made on the project page, through the lifecycle."""

    model = ProjectEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "from_status", "to_status", "actor", "reason", "emailed_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    """A project comes with its idea and moves only through `projects.services`, so its status
    is read-only here; the public summary may be edited."""

    list_per_page = 50

    list_display = ["__str__", "programme", "status", "status_changed_at"]
    list_filter = ["status", "idea__programme"]
    search_fields = ["idea__title"]
    list_select_related = ["idea__programme"]
    readonly_fields = ["idea", "status", "status_changed_at", "status_reason", "announced_at"]
    fields = [*readonly_fields, "public_summary"]
    inlines = [ProjectEventInline]

    @admin.display(ordering="idea__programme__name")
    def programme(self, obj: Project):
        return obj.idea.programme

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # delete the idea instead: the project goes with it


# Selection: scores, the project team and registrations of interest (projects/selection.py).
@admin.register(SelectionScore)
class SelectionScoreAdmin(admin.ModelAdmin):
    list_per_page = 50
    list_display = ["project", "scorer", "criterion", "score", "updated_at"]
    list_filter = ["criterion", "score", "project__idea__programme"]
    search_fields = ["project__idea__title", "scorer__email", "scorer__display_name", "comment"]
    list_select_related = ["project__idea", "scorer"]
    raw_id_fields = ["project", "scorer"]


@admin.register(ProjectMember)
class ProjectMemberAdmin(admin.ModelAdmin):
    list_per_page = 50
    list_display = ["name", "role", "project", "organisation", "listed_publicly", "emailed_at"]
    list_filter = ["listed_publicly", "project__idea__programme"]
    search_fields = ["name", "email", "role", "project__idea__title"]
    list_select_related = ["project__idea", "organisation"]
    raw_id_fields = ["project", "user", "invited_by"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["invited_at", "emailed_at"]


@admin.register(InterestRegistration)
class InterestRegistrationAdmin(admin.ModelAdmin):
    list_per_page = 50
    list_display = ["organisation_name", "project", "user", "created_at", "emailed_at"]
    list_filter = ["project__idea__programme"]
    search_fields = ["organisation_name", "user__email", "message", "project__idea__title"]
    list_select_related = ["project__idea", "user"]
    raw_id_fields = ["project", "user"]
    readonly_fields = ["created_at", "emailed_at"]


# Phase 3 and 4: made and changed on the project's pages, through the lifecycle and its checks.
@admin.register(Insight)
class InsightAdmin(ReadOnlyAdmin):
    list_display = ["title", "programme", "project", "ready_at", "published_at"]
    list_filter = ["programme", ("published_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "summary", "project__idea__title"]
    list_select_related = ["programme", "project__idea"]


@admin.register(TestingWorkshop)
class TestingWorkshopAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "project", "starts_at", "capacity"]
    list_filter = ["project__idea__programme"]
    search_fields = ["project__idea__title", "what_is_tested", "place"]
    list_select_related = ["project__idea"]


@admin.register(WorkshopBooking)
class WorkshopBookingAdmin(ReadOnlyAdmin):
    list_display = ["workshop", "user", "organisation", "status", "created_at"]
    list_filter = ["status", "workshop__project__idea__programme"]
    search_fields = ["user__email", "workshop__project__idea__title"]
    list_select_related = ["workshop__project__idea", "user", "organisation"]


@admin.register(FeedbackItem)
class FeedbackItemAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "project", "kind", "state", "created_at"]
    list_filter = ["kind", "state", "project__idea__programme"]
    search_fields = ["text", "response", "project__idea__title"]
    list_select_related = ["project__idea"]


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ["title", "owner", "insight", "due_date", "status", "public"]
    list_filter = ["status", "public", "insight__programme"]
    search_fields = ["title", "owner__name", "insight__title"]
    list_select_related = ["owner", "insight"]


@admin.register(Plenary)
class PlenaryAdmin(ReadOnlyAdmin):
    list_display = ["title", "programme", "starts_at", "capacity", "cancelled_at"]
    list_filter = ["programme"]
    search_fields = ["title", "place", "description"]
    list_select_related = ["programme"]


@admin.register(PlenaryRegistration)
class PlenaryRegistrationAdmin(ReadOnlyAdmin):
    list_display = ["plenary", "user", "status", "created_at"]
    list_filter = ["status", "plenary__programme"]
    search_fields = ["user__email", "plenary__title", "organisation_name", "use_of_insights"]
    list_select_related = ["plenary", "user"]


@admin.register(BlogPost)
class BlogPostAdmin(ReadOnlyAdmin):
    list_display = ["title", "programme", "status", "published_at"]
    list_filter = ["status", "programme"]
    search_fields = ["title", "body"]
    list_select_related = ["programme"]
    exclude = ["authors"]


# Survey answers are deliberately not here: an anonymous answer must stay unlinkable.
@admin.register(Lesson)
class LessonAdmin(ReadOnlyAdmin):
    list_display = ["title", "programme", "phase", "step", "is_public", "created_at"]
    list_filter = ["phase", "step", "is_public", "programme"]
    search_fields = ["title", "body"]
    list_select_related = ["programme"]


@admin.register(MethodChange)
class MethodChangeAdmin(ReadOnlyAdmin):
    list_display = ["version", "programme", "summary"]
    list_filter = ["programme"]
    search_fields = ["version", "summary", "body"]
    list_select_related = ["programme"]
