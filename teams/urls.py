from django.urls import path

from teams import views

app_name = "teams"
urlpatterns = [
    path("account/profile/", views.profile, name="profile"),
    path("programmes/<slug:slug>/team/", views.programme_detail, name="programme"),
    path("programmes/<slug:slug>/edit/", views.programme_edit, name="programme_edit"),
    path("programmes/<slug:slug>/team/add/", views.member_add, name="member_add"),
    path(
        "programmes/<slug:slug>/team/<int:pk>/remove/",
        views.membership_end,
        name="membership_end",
    ),
    path("programmes/<slug:slug>/ways-of-working/", views.ways_of_working, name="ways_of_working"),
    path(
        "programmes/<slug:slug>/ways-of-working/edit/",
        views.ways_of_working_edit,
        name="ways_of_working_edit",
    ),
    path("programmes/<slug:slug>/introductions/", views.introductions, name="introductions"),
]
