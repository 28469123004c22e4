from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import models
from django.template.defaultfilters import pluralize
from django.utils.translation import gettext_lazy as _

from teams import services
from teams.models import (
    Membership,
    OfficeHourBooking,
    OfficeHourSlot,
    Organisation,
    Programme,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "programme"]
    fields = ["programme", "user", "role", "started_at", "ended_at"]


def _as_it_was(form) -> dict | None:
    """A membership form's role and end date before the admin's changes (None when new)."""
    if form.instance._state.adding:
        return None
    return {"role": form.initial.get("role"), "ended_at": form.initial.get("ended_at")}


class TellsMembershipChanges:
    """Email people whose programme roles an admin adds, changes or ends in an inline."""

    def save_formset(self, request, form, formset, change) -> None:
        before = {f.instance.pk: _as_it_was(f) for f in formset.forms if f.instance.pk}
        super().save_formset(request, form, formset, change)
        if formset.model is not Membership:
            return
        saved = [*formset.new_objects, *(obj for obj, _ in formset.changed_objects)]
        for membership in saved:
            services.membership_changes_tell(
                membership=membership, before=before.get(membership.pk), by=request.user
            )


class UserCreationForm(AdminUserCreationForm):
    """Our user has an email login and a display name (shown wherever the person appears)."""

    class Meta:
        model = User
        fields = ("email", "display_name", "organisation")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = True


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"  # the admin's fieldsets choose what is shown


@admin.register(User)
class UserAdmin(TellsMembershipChanges, DjangoUserAdmin):
    list_per_page = 50
    add_form = UserCreationForm
    form = UserEditForm
    ordering = ["email"]
    list_display = ["email", "display_name", "organisation", "organisation_confirmed", "last_login"]
    list_filter = [
        "groups",
        "organisation_confirmed",
        "is_active",
        "is_staff",
        "is_superuser",
        "organisation__kind",
    ]
    actions = ["confirm_organisation"]
    search_fields = ["email", "display_name", "organisation__name"]
    list_select_related = ["organisation"]
    # The organisation's id with a look-up link, rather than Django's search box (select2),
    # which leaves an empty box without an accessible name (axe "aria-input-field-name"), or a
    # select of every organisation, which does not scale.
    raw_id_fields = ["organisation"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Personal info"),
            {"fields": ("display_name", "organisation", "organisation_confirmed")},
        ),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "display_name",
                    "organisation",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    # Four site roles fit as tick boxes; Django's two-box selector labels itself with an ARIA
    # attribute a span may not carry (axe "aria-prohibited-attr").
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}

    @admin.action(description="Confirm they work for the organisation they named")
    def confirm_organisation(self, request, queryset):
        # One save per person so each confirmation is in the audit log and each is emailed.
        people = queryset.filter(organisation__isnull=False, organisation_confirmed=False)
        confirmed = sum(
            services.organisation_confirm(user=person, by=request.user) for person in people
        )
        people = pluralize(confirmed, "person,people")
        self.message_user(request, f"{confirmed} {people} confirmed and emailed.")

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and obj.organisation_confirmed and not form.initial.get("organisation_confirmed"):
            services.organisation_confirmed_tell(user=obj, by=request.user)

    def save_related(self, request, form, formsets, change) -> None:
        # Read before saving: the groups in the database are still the old ones.
        before = set(form.instance.groups.values_list("name", flat=True)) if change else None
        super().save_related(request, form, formsets, change)
        if before is not None:
            services.site_roles_tell(user=form.instance, before=before, by=request.user)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_per_page = 50
    list_display = ["name", "kind", "verified", "created_at"]
    list_filter = ["kind", "verified"]
    search_fields = ["name"]
    actions = ["mark_verified"]

    @admin.action(description="Confirm the selected organisations")
    def mark_verified(self, request, queryset):
        updated = queryset.update(verified=True)
        self.message_user(request, f"{updated} {pluralize(updated, 'organisation')} confirmed.")


@admin.register(Programme)
class ProgrammeAdmin(TellsMembershipChanges, admin.ModelAdmin):
    list_per_page = 50
    list_display = ["name", "place", "slug", "lead_organisation"]
    search_fields = ["name", "place"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["lead_organisation"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_per_page = 50
    list_display = ["user", "role", "programme", "started_at", "ended_at"]
    list_filter = ["programme", "role", ("ended_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "user__display_name", "programme__name"]
    list_select_related = ["user", "programme"]
    autocomplete_fields = ["user", "programme"]

    def save_model(self, request, obj, form, change) -> None:
        before = _as_it_was(form)
        super().save_model(request, obj, form, change)
        services.membership_changes_tell(membership=obj, before=before, by=request.user)


class OfficeHourBookingInline(admin.TabularInline):
    model = OfficeHourBooking
    extra = 0
    autocomplete_fields = ["user", "organisation"]
    fields = ["user", "organisation", "status", "attendance", "topic"]
    show_change_link = True


@admin.register(OfficeHourSlot)
class OfficeHourSlotAdmin(admin.ModelAdmin):
    list_per_page = 50
    list_display = ["starts_at", "ends_at", "programme", "capacity", "waitlist", "cancelled_at"]
    list_filter = [
        "programme",
        "waitlist",
        ("cancelled_at", admin.EmptyFieldListFilter),
        "starts_at",
    ]
    search_fields = ["programme__name", "place", "online_link"]
    list_select_related = ["programme"]
    autocomplete_fields = ["programme", "created_by"]
    date_hierarchy = "starts_at"
    readonly_fields = ["bookings_close_at", "series", "created_at"]
    inlines = [OfficeHourBookingInline]


@admin.register(OfficeHourBooking)
class OfficeHourBookingAdmin(admin.ModelAdmin):
    list_per_page = 50
    list_display = ["user", "slot", "organisation", "status", "attendance", "created_at"]
    list_filter = ["status", "attendance", "slot__programme"]
    search_fields = ["user__email", "user__display_name", "organisation__name", "topic"]
    list_select_related = ["user", "organisation", "slot__programme"]
    autocomplete_fields = ["user", "organisation", "slot"]
    readonly_fields = [
        "uid",
        "sequence",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "reminder_sent_at",
    ]
