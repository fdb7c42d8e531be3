from django.urls import re_path
from rest_framework.routers import DefaultRouter

from playbook.api import views

router = DefaultRouter()
router.include_root_view = False
for prefix, viewset, basename in [
    ("rulesets", views.RulesetViewSet, "ruleset"),
    ("players", views.PlayerViewSet, "player"),
    ("lineups", views.LineupViewSet, "lineup"),
    ("formations", views.FormationViewSet, "formation"),
    ("routes", views.RouteViewSet, "route"),
    ("plays", views.PlayViewSet, "play"),
    ("scenarios", views.ScenarioViewSet, "scenario"),
    ("playbooks", views.PlaybookBookViewSet, "playbook"),
]:
    router.register(rf"teams/(?P<team_id>\d+)/{prefix}", viewset, basename=basename)

# Pictures are files, so their URLs end in an extension, not a slash.
OBJECT = r"^teams/(?P<team_id>\d+)/{}/(?P<pk>[^/.]+)/"
urlpatterns = [
    re_path(
        OBJECT.format("plays") + r"diagram\.(?P<ext>svg|png)$",
        views.PlayViewSet.as_view({"get": "diagram"}),
        name="play-diagram",
    ),
    re_path(
        OBJECT.format("scenarios") + r"preview\.(?P<ext>svg|png)$",
        views.ScenarioViewSet.as_view({"get": "preview_image"}),
        name="scenario-preview-image",
    ),
    re_path(
        OBJECT.format("playbooks") + r"call-sheet\.pdf$",
        views.PlaybookBookViewSet.as_view({"get": "call_sheet_pdf"}),
        name="playbook-call-sheet-pdf",
    ),
    *router.urls,
]
