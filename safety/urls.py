from django.urls import path

from safety import agreement_views, check_views, views

app_name = "safety"
urlpatterns = [
    path("datasets/", views.dataset_list, name="dataset_list"),
    path("data-sources/<int:source_pk>/upload/", views.dataset_upload, name="dataset_upload"),
    path("datasets/<int:pk>/sheet/", views.dataset_sheet, name="dataset_sheet"),
    path("datasets/<int:pk>/progress/", views.dataset_progress, name="dataset_progress"),
    path("datasets/<int:pk>/try-again/", views.dataset_try_again, name="dataset_try_again"),
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
    path("data-sources/<int:pk>/", check_views.data_source_detail, name="data_source"),
    # Safety checks, per idea (a project is one-to-one with its idea).
    path("ideas/<int:idea_pk>/safety-checks/", check_views.idea_checks, name="idea_checks"),
    path(
        "ideas/<int:idea_pk>/safety-checks/<str:stage>/start/",
        check_views.check_start,
        name="check_start",
    ),
    path("ideas/<int:idea_pk>/evidence-pack/", check_views.evidence_pack, name="evidence_pack"),
    path(
        "ideas/<int:idea_pk>/evidence-pack.pdf",
        check_views.evidence_pack_pdf,
        name="evidence_pack_pdf",
    ),
    path("safety-checks/waiting/", check_views.check_queue, name="check_queue"),
    path("safety-checks/<int:pk>/", check_views.check_detail, name="check"),
    path("safety-checks/<int:pk>/answers/", check_views.check_edit, name="check_edit"),
    path("safety-checks/<int:pk>/sign-off/", check_views.check_sign_off, name="check_sign_off"),
    path(
        "safety-checks/<int:pk>/new-version/",
        check_views.check_new_version,
        name="check_new_version",
    ),
    path("conditions/<int:pk>/", check_views.condition_resolve, name="condition"),
    # Sharing agreements.
    path(
        "programmes/<slug:slug>/sharing-agreements/",
        agreement_views.agreement_list,
        name="agreement_list",
    ),
    path(
        "programmes/<slug:slug>/sharing-agreements/new/",
        agreement_views.agreement_new,
        name="agreement_new",
    ),
    path("sharing-agreements/<int:pk>/", agreement_views.agreement_detail, name="agreement"),
    path(
        "sharing-agreements/<int:pk>/change/",
        agreement_views.agreement_edit,
        name="agreement_edit",
    ),
    path(
        "sharing-agreements/<int:pk>/signed/",
        agreement_views.agreement_document,
        name="agreement_document",
    ),
    path(
        "sharing-agreements/<int:pk>/download/",
        agreement_views.agreement_download,
        name="agreement_download",
    ),
    path("sharing-agreements/<int:pk>/end/", agreement_views.agreement_end, name="agreement_end"),
]
