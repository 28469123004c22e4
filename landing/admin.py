from django.contrib import admin

from landing.models import NewsDelivery, NewsPost, Principle, UpdateSubscription


@admin.register(Principle)
class PrincipleAdmin(admin.ModelAdmin):
    list_per_page = 50
    list_display = ["programme", "position", "title"]
    list_filter = ["programme"]
    search_fields = ["title", "description"]


@admin.register(NewsPost)
class NewsPostAdmin(admin.ModelAdmin):
    list_per_page = 50
    list_display = ["title", "programme", "published_at", "emailed_at", "author"]
    list_filter = ["programme", ("published_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "summary", "body"]
    list_select_related = ["programme", "author"]
    autocomplete_fields = ["author"]
    readonly_fields = ["emailed_at"]


@admin.register(UpdateSubscription)
class UpdateSubscriptionAdmin(admin.ModelAdmin):
    list_per_page = 50
    list_display = ["email", "programme", "created_at", "confirmed_at", "unsubscribed_at"]
    list_filter = ["programme", ("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    list_select_related = ["programme"]
    readonly_fields = ["token", "created_at"]


@admin.register(NewsDelivery)
class NewsDeliveryAdmin(admin.ModelAdmin):
    list_per_page = 50
    list_display = ["post", "subscription", "sent_at"]
    list_filter = ["post__programme"]
    search_fields = ["subscription__email", "post__title"]
    list_select_related = ["post", "subscription"]
