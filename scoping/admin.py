from django.contrib import admin

from scoping.models import DataSource, Idea


class DataSourceInline(admin.TabularInline):
    model = DataSource
    extra = 0
    autocomplete_fields = ["owner"]


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "proposing_organisation", "created_at"]
    list_filter = ["programme"]
    search_fields = ["title", "problem"]
    list_select_related = ["programme", "proposing_organisation"]
    autocomplete_fields = ["proposer", "proposing_organisation"]
    inlines = [DataSourceInline]


@admin.register(DataSource)
class DataSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "idea", "kind", "owner", "may_hold_personal_data"]
    list_filter = ["kind", "may_hold_personal_data", "idea__programme"]
    search_fields = ["name", "idea__title", "owner__name"]
    list_select_related = ["idea", "owner"]
    autocomplete_fields = ["idea", "owner"]
