from django.urls import path

from projects.views import (
    actions,
    exploring,
    ideas,
    insights,
    lessons,
    reflection,
    selection,
    sharing,
    testing,
)

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
    # Exploring solutions (projects/views/exploring.py).
    path("projects/<int:pk>/solutions/", exploring.solutions, name="solutions"),
    path("projects/<int:pk>/similar-work/", exploring.similar_work, name="similar_work"),
    path(
        "projects/<int:pk>/similar-work/<int:item>/remove/",
        exploring.similar_work_remove,
        name="similar_work_remove",
    ),
    path("projects/<int:pk>/research/", exploring.research, name="research"),
    path("projects/<int:pk>/research/new/", exploring.research_edit, name="research_new"),
    path(
        "projects/<int:pk>/research/<int:item>/edit/",
        exploring.research_edit,
        name="research_edit",
    ),
    path("projects/<int:pk>/solution-ideas/new/", exploring.solution_edit, name="solution_new"),
    path("projects/<int:pk>/solution-ideas/<int:item>/", exploring.solution, name="solution"),
    path(
        "projects/<int:pk>/solution-ideas/<int:item>/edit/",
        exploring.solution_edit,
        name="solution_edit",
    ),
    path(
        "projects/<int:pk>/solution-ideas/<int:item>/sketch/",
        exploring.solution_sketch,
        name="solution_sketch",
    ),
    path(
        "projects/<int:pk>/solution-ideas/<int:item>/skills/",
        exploring.solution_skills,
        name="solution_skills",
    ),
    # Testing and refining (projects/views/testing.py).
    path("projects/<int:pk>/workshops/", testing.workshop_list, name="workshops"),
    path("projects/<int:pk>/workshops/new/", testing.workshop_new, name="workshop_new"),
    path("projects/<int:pk>/workshops/<int:item>/", testing.workshop, name="workshop"),
    path(
        "projects/<int:pk>/workshops/<int:item>/book/",
        testing.workshop_book,
        name="workshop_book",
    ),
    path("projects/<int:pk>/feedback/", testing.feedback, name="feedback"),
    path("projects/<int:pk>/feedback/new/", testing.feedback_edit, name="feedback_new"),
    path(
        "projects/<int:pk>/feedback/<int:item>/edit/",
        testing.feedback_edit,
        name="feedback_edit",
    ),
    path("projects/<int:pk>/final-checks/", testing.final_checks, name="final_checks"),
    # Insights (projects/views/insights.py).
    path("projects/<int:pk>/insights/new/", insights.insight_edit, name="insight_new"),
    path("projects/<int:pk>/insights/<int:item>/", insights.insight, name="insight"),
    path(
        "projects/<int:pk>/insights/<int:item>/edit/",
        insights.insight_edit,
        name="insight_edit",
    ),
    path(
        "projects/<int:pk>/insights/<int:item>/ready/",
        insights.insight_ready,
        name="insight_ready",
    ),
    path(
        "projects/<int:pk>/insights/<int:item>/tables/upload/",
        insights.table_upload,
        name="insight_table_upload",
    ),
    path(
        "projects/<int:pk>/insights/<int:item>/tables/from-dataset/",
        insights.table_from_dataset,
        name="insight_table_from_dataset",
    ),
    path(
        "projects/<int:pk>/insights/<int:item>/charts/new/",
        insights.chart_new,
        name="insight_chart_new",
    ),
    path(
        "projects/<int:pk>/insights/<int:item>/maps/new/",
        insights.map_new,
        name="insight_map_new",
    ),
    path(
        "projects/<int:pk>/insights/<int:item>/<slug:part>/<int:part_pk>/remove/",
        insights.part_remove,
        name="insight_part_remove",
    ),
    path("projects/<int:pk>/boundaries/", insights.boundaries, name="boundaries"),
    # Insights to actions (projects/views/actions.py).
    path("projects/<int:pk>/actions/", actions.action_list, name="actions"),
    path("projects/<int:pk>/actions/interest/", actions.interest_list, name="action_interest"),
    path(
        "projects/<int:pk>/actions/meetings/new/",
        actions.meeting_new,
        name="actions_meeting_new",
    ),
    path(
        "projects/<int:pk>/actions/meetings/<int:item>/",
        actions.meeting,
        name="actions_meeting",
    ),
    path(
        "projects/<int:pk>/actions/meetings/<int:item>/edit/",
        actions.meeting_edit,
        name="actions_meeting_edit",
    ),
    path("projects/<int:pk>/actions/pack/", actions.pack, name="action_pack"),
    path("projects/<int:pk>/actions/pack.pdf", actions.pack_pdf, name="action_pack_pdf"),
    path("projects/<int:pk>/actions/new/", actions.action_new, name="action_new"),
    path("projects/<int:pk>/actions/<int:item>/", actions.action, name="action"),
    path("projects/<int:pk>/actions/<int:item>/edit/", actions.action_edit, name="action_edit"),
    path("actions/mine/", actions.my_actions, name="my_actions"),
    # Reflecting (projects/views/reflection.py).
    path("projects/<int:pk>/reflections/", reflection.reflections, name="reflections"),
    path("projects/<int:pk>/reflections/open/", reflection.survey_open, name="survey_open"),
    path("projects/<int:pk>/reflections/results/", reflection.results, name="survey_results"),
    path("reflections/answer/", reflection.survey_submit, name="survey_submit"),
    path("reflections/thank-you/", reflection.survey_thanks, name="survey_thanks"),
    path("reflections/<str:token>/", reflection.survey_link, name="survey_link"),
    path(
        "programmes/<slug:slug>/reflections/",
        reflection.programme_results,
        name="programme_reflections",
    ),
    path("projects/<int:pk>/retrospective/", reflection.board, name="board"),
    path(
        "projects/<int:pk>/retrospective/<int:card>/edit/",
        reflection.card_edit,
        name="card_edit",
    ),
    path(
        "projects/<int:pk>/retrospective/<int:card>/remove/",
        reflection.card_delete,
        name="card_delete",
    ),
    path(
        "projects/<int:pk>/retrospective/<int:card>/merge/",
        reflection.card_merge,
        name="card_merge",
    ),
    path(
        "projects/<int:pk>/retrospective/<int:card>/action/",
        reflection.card_action,
        name="card_action",
    ),
    # Lessons and method changes (projects/views/lessons.py).
    path("programmes/<slug:slug>/lessons/", lessons.lesson_list, name="lessons"),
    path("programmes/<slug:slug>/lessons/new/", lessons.lesson_edit, name="lesson_new"),
    path("programmes/<slug:slug>/lessons/<int:item>/", lessons.lesson, name="lesson"),
    path(
        "programmes/<slug:slug>/lessons/<int:item>/edit/",
        lessons.lesson_edit,
        name="lesson_edit",
    ),
    path(
        "programmes/<slug:slug>/method-changes/",
        lessons.method_changes,
        name="method_changes",
    ),
    path(
        "programmes/<slug:slug>/method-changes/<int:item>/edit/",
        lessons.method_change_edit,
        name="method_change_edit",
    ),
    # Sharing: plenary sessions and co-written blog posts (projects/views/sharing.py).
    path("programmes/<slug:slug>/sharing/", sharing.sharing_overview, name="sharing"),
    path("programmes/<slug:slug>/plenaries/new/", sharing.plenary_new, name="plenary_new"),
    path("programmes/<slug:slug>/plenaries/<int:pk>/", sharing.plenary, name="plenary"),
    path(
        "programmes/<slug:slug>/plenaries/<int:pk>/cancel/",
        sharing.plenary_cancel,
        name="plenary_cancel",
    ),
    path(
        "programmes/<slug:slug>/plenaries/<int:pk>/register/",
        sharing.plenary_register,
        name="plenary_register",
    ),
    path(
        "plenaries/registrations/<int:pk>/",
        sharing.registration_detail,
        name="plenary_registration",
    ),
    path(
        "plenaries/registrations/<int:pk>/cancel/",
        sharing.registration_cancel,
        name="plenary_registration_cancel",
    ),
    path(
        "plenaries/registrations/<int:pk>/plenary.ics",
        sharing.registration_calendar,
        name="plenary_registration_calendar",
    ),
    path("programmes/<slug:slug>/sharing/blog/new/", sharing.blog_new, name="blog_new"),
    path("blog/<int:pk>/", sharing.blog_post, name="blog_post"),
    path("blog/<int:pk>/edit/", sharing.blog_edit, name="blog_edit"),
    path("blog/<int:pk>/authors/", sharing.blog_authors, name="blog_authors"),
    path("blog/<int:pk>/delete/", sharing.blog_delete, name="blog_delete"),
    path("blog/<int:pk>/submit/", sharing.blog_submit, name="blog_submit"),
    path("blog/<int:pk>/review/", sharing.blog_review, name="blog_review"),
]
