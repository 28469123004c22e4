from django.urls import path

from landing import views

app_name = "landing"
urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
    path("programmes/<slug:slug>/", views.programme_page, name="programme"),
    path(
        "programmes/<slug:slug>/principles/<int:position>/edit/",
        views.principle_edit,
        name="principle_edit",
    ),
    path("programmes/<slug:slug>/news/", views.news, name="news"),
    path("programmes/<slug:slug>/news/feed/", views.news_feed, name="news_feed"),
    path("programmes/<slug:slug>/news/new/", views.news_edit, name="news_new"),
    path("programmes/<slug:slug>/news/<slug:post>/", views.news_post, name="news_post"),
    path("programmes/<slug:slug>/news/<slug:post>/edit/", views.news_edit, name="news_edit"),
    path("programmes/<slug:slug>/updates/", views.subscribe, name="subscribe"),
    path(
        "programmes/<slug:slug>/updates/confirm/<str:token>/",
        views.subscription_confirm,
        name="subscription_confirm",
    ),
    path(
        "programmes/<slug:slug>/updates/stop/<str:token>/",
        views.unsubscribe,
        name="unsubscribe",
    ),
]
