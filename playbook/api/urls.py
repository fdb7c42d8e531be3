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

urlpatterns = router.urls
