from django.urls import path

from playbook.api.io import ExportView, ImportView

urlpatterns = [
    path("teams/<int:team_id>/imports/", ImportView.as_view(), name="team-import"),
    path("teams/<int:team_id>/export/", ExportView.as_view(), name="team-export"),
]
