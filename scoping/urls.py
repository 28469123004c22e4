from django.urls import path

from scoping import views

app_name = "scoping"
urlpatterns = [
    path("ideas/<int:idea_pk>/scoping/", views.overview, name="overview"),
    # Sessions.
    path("ideas/<int:idea_pk>/sessions/new/", views.session_new, name="session_new"),
    path("scoping-sessions/<int:pk>/", views.session_detail, name="session"),
    path("scoping-sessions/<int:pk>/change/", views.session_change, name="session_change"),
    path("scoping-sessions/<int:pk>/invite/", views.session_invite, name="session_invite"),
    path(
        "scoping-sessions/<int:pk>/invitations/<int:invitation_pk>/remove/",
        views.invitation_remove,
        name="invitation_remove",
    ),
    path(
        "scoping-sessions/<int:pk>/preparation/",
        views.session_preparation,
        name="session_preparation",
    ),
    path("scoping-sessions/<int:pk>/question/", views.session_question, name="session_question"),
    path("scoping-sessions/<int:pk>/record/", views.session_record, name="session_record"),
    # The data inventory.
    path("ideas/<int:idea_pk>/data-sources/", views.data_sources, name="data_sources"),
    path("ideas/<int:idea_pk>/data-sources/new/", views.data_source_new, name="data_source_new"),
    path("data-sources/<int:pk>/edit/", views.data_source_edit, name="data_source_edit"),
    path("data-sources/<int:pk>/remove/", views.data_source_remove, name="data_source_remove"),
    path("programmes/<slug:slug>/public-data/", views.public_data, name="public_data"),
    path(
        "programmes/<slug:slug>/public-data/<int:pk>/remove/",
        views.public_data_remove,
        name="public_data_remove",
    ),
    # People and skills.
    path("ideas/<int:idea_pk>/skills/", views.skills, name="skills"),
    path("ideas/<int:idea_pk>/skills/suggested/", views.skills_suggest, name="skills_suggest"),
    path("ideas/<int:idea_pk>/skills/new/", views.skill_new, name="skill_new"),
    path("skills/<int:pk>/edit/", views.skill_edit, name="skill_edit"),
    path("skills/<int:pk>/remove/", views.skill_remove, name="skill_remove"),
    # The evaluation summary.
    path("ideas/<int:idea_pk>/evaluation/", views.evaluation, name="evaluation"),
    path("ideas/<int:idea_pk>/evaluation/edit/", views.evaluation_edit, name="evaluation_edit"),
    path("ideas/<int:idea_pk>/evaluation/share/", views.evaluation_share, name="evaluation_share"),
]
