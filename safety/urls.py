from django.urls import path

from safety import views

app_name = "safety"
urlpatterns = [
    path("datasets/", views.dataset_list, name="dataset_list"),
    path("data-sources/<int:source_pk>/upload/", views.dataset_upload, name="dataset_upload"),
    path("datasets/<int:pk>/sheet/", views.dataset_sheet, name="dataset_sheet"),
    path("datasets/<int:pk>/progress/", views.dataset_progress, name="dataset_progress"),
    path("datasets/<int:pk>/", views.dataset_report, name="dataset_report"),
    path("datasets/<int:pk>/remedies/", views.dataset_remedies, name="dataset_remedies"),
    path(
        "datasets/<int:pk>/download/raw/", views.dataset_download_raw, name="dataset_download_raw"
    ),
    path(
        "datasets/<int:pk>/download/redacted/",
        views.dataset_download_redacted,
        name="dataset_download_redacted",
    ),
]
