from django.contrib import admin

from scoping.models import (
    DataSource,
    EvaluationSummary,
    Idea,
    ProgrammeDataSet,
    ScopingSession,
    SessionInvitation,
    SkillNeed,
)


class DataSourceInline(admin.TabularInline):
    model = DataSource
    extra = 0
    autocomplete_fields = ["owner"]


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_per_page = 50
    list_display = ["title", "programme", "proposing_organisation", "created_at"]
    list_filter = ["programme"]
    search_fields = ["title", "problem"]
    list_select_related = ["programme", "proposing_organisation"]
    autocomplete_fields = ["proposer", "proposing_organisation", "submitted_by"]
    inlines = [DataSourceInline]


@admin.register(DataSource)
class DataSourceAdmin(admin.ModelAdmin):
    list_per_page = 50
    list_display = ["name", "idea", "kind", "owner", "may_hold_personal_data"]
    list_filter = ["kind", "may_hold_personal_data", "idea__programme"]
    search_fields = ["name", "idea__title", "owner__name"]
    list_select_related = ["idea", "owner"]
    autocomplete_fields = ["idea", "owner"]


class SessionInvitationInline(admin.TabularInline):
    model = SessionInvitation
    fk_name = "session"
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "invited_by", "invited_at", "emailed_at", "emailed_sequence"]
    readonly_fields = ["invited_by", "invited_at", "emailed_at", "emailed_sequence"]


@admin.register(ScopingSession)
class ScopingSessionAdmin(admin.ModelAdmin):
    list_per_page = 50
    list_display = ["idea", "starts_at", "duration_minutes", "location"]
    list_filter = ["idea__programme"]
    search_fields = ["idea__title", "location"]
    list_select_related = ["idea"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["idea"]
    readonly_fields = ["created_by", "created_at", "sequence", "changed_at"]
    inlines = [SessionInvitationInline]


@admin.register(SkillNeed)
class SkillNeedAdmin(admin.ModelAdmin):
    list_per_page = 50
    list_display = ["__str__", "idea", "skill", "filled_by", "filled_by_name", "suggested"]
    list_filter = ["skill", "suggested", "idea__programme"]
    search_fields = ["description", "idea__title", "filled_by__display_name", "filled_by_name"]
    list_select_related = ["idea", "filled_by"]
    autocomplete_fields = ["idea", "filled_by"]


@admin.register(EvaluationSummary)
class EvaluationSummaryAdmin(admin.ModelAdmin):
    list_per_page = 50
    list_display = ["idea", "updated_at", "shared_at"]
    list_filter = ["idea__programme"]
    search_fields = ["idea__title"]
    list_select_related = ["idea"]
    autocomplete_fields = ["idea"]
    readonly_fields = ["updated_by", "updated_at", "shared_emailed_at"]


@admin.register(ProgrammeDataSet)
class ProgrammeDataSetAdmin(admin.ModelAdmin):
    list_per_page = 50
    list_display = ["name", "programme", "publisher", "licence", "period"]
    list_filter = ["programme"]
    search_fields = ["name", "publisher"]
    autocomplete_fields = ["programme", "added_by"]
    readonly_fields = ["created_at"]
