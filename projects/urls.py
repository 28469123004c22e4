from django.urls import path

from projects.views import ideas, selection

app_name = "projects"
urlpatterns = [
    # Ideas and the project page (projects/views/ideas.py).
    path("programmes/<slug:slug>/ideas/new/", ideas.idea_new, name="idea_new"),
    path("programmes/<slug:slug>/ideas/", ideas.idea_queue, name="idea_queue"),
    path("ideas/mine/", ideas.my_ideas, name="my_ideas"),
    path(
        "office-hours/bookings/<int:pk>/idea/",
        ideas.idea_from_booking,
        name="idea_from_booking",
    ),
    path("projects/<int:pk>/", ideas.project_detail, name="project"),
    path("projects/<int:pk>/move/<slug:action>/", ideas.project_move, name="move"),
    path("projects/<int:pk>/messages/new/", ideas.idea_message, name="idea_message"),
    path("projects/<int:pk>/merge/", ideas.idea_merge, name="idea_merge"),
    # Selection, project team and interest (projects/views/selection.py).
    path("projects/<int:pk>/score/", selection.score, name="score"),
    path("programmes/<slug:slug>/selection/", selection.comparison, name="selection"),
    path("programmes/<slug:slug>/selection/decide/", selection.decide, name="selection_decide"),
    path("projects/<int:pk>/team/", selection.team, name="team"),
    path(
        "projects/<int:pk>/team/<int:member_pk>/remove/",
        selection.member_remove,
        name="team_member_remove",
    ),
    path("projects/<int:pk>/announce/", selection.announce, name="announce"),
    path("projects/<int:pk>/interest/", selection.interest, name="interest"),
]
