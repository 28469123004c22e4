from django.urls import path

from projects.views import ideas, selection

app_name = "projects"
urlpatterns = [
    # Ideas and the project page (projects/views/ideas.py).
    # Selection, project team and interest (projects/views/selection.py).
]
