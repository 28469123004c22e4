from django.urls import path

from teams import views

app_name = "teams"
urlpatterns = [
    path("account/profile/", views.profile, name="profile"),
    path("account/programme/", views.programme_choose, name="programme_choose"),
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

urlpatterns += [
    path("programmes/<slug:slug>/office-hours/", views.office_hours, name="office_hours"),
    path(
        "programmes/<slug:slug>/office-hours/publish/",
        views.office_hours_publish,
        name="office_hours_publish",
    ),
    path(
        "programmes/<slug:slug>/office-hours/<int:pk>/cancel/",
        views.office_hours_slot_cancel,
        name="office_hours_slot_cancel",
    ),
    path(
        "programmes/<slug:slug>/office-hours/attendance/<int:pk>/",
        views.office_hours_attendance,
        name="office_hours_attendance",
    ),
    path(
        "programmes/<slug:slug>/office-hours/<int:pk>/book/",
        views.office_hours_book,
        name="office_hours_book",
    ),
    path("office-hours/bookings/", views.my_bookings, name="my_bookings"),
    path("office-hours/bookings/<int:pk>/", views.booking_detail, name="booking_detail"),
    path("office-hours/bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("office-hours/bookings/<int:pk>/move/", views.booking_move, name="booking_move"),
    path(
        "office-hours/bookings/<int:pk>/office-hours.ics",
        views.booking_calendar,
        name="booking_calendar",
    ),
]
