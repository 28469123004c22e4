from django.urls import path

from landing import insight_pages, national, views

app_name = "landing"
urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
    # Every programme's public content together (landing/national.py).
    path("national/", national.national, name="national"),
    path("national/feed/", views.national_feed, name="national_feed"),
    path("national/lessons/<int:pk>/", national.lesson, name="national_lesson"),
    path("programmes/<slug:slug>/", views.programme_page, name="programme"),
    path(
        "programmes/<slug:slug>/principles/<int:position>/edit/",
        views.principle_edit,
        name="principle_edit",
    ),
    path("programmes/<slug:slug>/news/", views.news, name="news"),
    path("programmes/<slug:slug>/method/", views.method_changes, name="method_changes"),
    path("programmes/<slug:slug>/news/feed/", views.news_feed, name="news_feed"),
    path("programmes/<slug:slug>/news/new/", views.news_edit, name="news_new"),
    path("programmes/<slug:slug>/news/<slug:post>/", views.news_post, name="news_post"),
    path("programmes/<slug:slug>/news/<slug:post>/edit/", views.news_edit, name="news_edit"),
    path("programmes/<slug:slug>/updates/", views.subscribe, name="subscribe"),
    # Co-written blog posts, once published (drafts are in projects/views/sharing.py).
    path("programmes/<slug:slug>/blog/", views.blog, name="blog"),
    path("programmes/<slug:slug>/blog/<slug:post>/", views.blog_post, name="blog_post"),
    # Published insights (landing/insight_pages.py).
    path("programmes/<slug:slug>/insights/", insight_pages.insights, name="insights"),
    path(
        "programmes/<slug:slug>/insights/<slug:insight>/",
        insight_pages.insight,
        name="insight",
    ),
    path(
        "programmes/<slug:slug>/insights/<slug:insight>/act/",
        insight_pages.insight_interest,
        name="insight_interest",
    ),
    path(
        "programmes/<slug:slug>/insights/<slug:insight>/insight.pdf",
        insight_pages.insight_pdf,
        name="insight_pdf",
    ),
    path(
        "programmes/<slug:slug>/insights/<slug:insight>/data/<int:table>.csv",
        insight_pages.insight_csv,
        name="insight_csv",
    ),
    path(
        "programmes/<slug:slug>/insights/<slug:insight>/data/<int:table>.json",
        insight_pages.insight_json,
        name="insight_json",
    ),
    path(
        "programmes/<slug:slug>/insights/<slug:insight>/data/<int:table>-metadata.json",
        insight_pages.insight_csvw,
        name="insight_csvw",
    ),
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
