from django.urls import path

from scoping import views

app_name = "scoping"
urlpatterns = []
