from django.urls import path

from . import views

app_name = "services_registry"

urlpatterns = [
    path("", views.finder, name="finder"),
    path("picker/", views.picker, name="picker"),
    path("<uuid:service_id>/", views.service_detail, name="service-detail"),
]
