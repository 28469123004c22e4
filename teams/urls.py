from django.urls import path

from teams import views

app_name = "teams"
urlpatterns = [
    path("account/profile/", views.profile, name="profile"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme"),
    path("programmes/<slug:slug>/edit/", views.programme_edit, name="programme_edit"),
]
