from django.urls import re_path
from rest_framework.routers import DefaultRouter

from strategy.api.views import AnalysisViewSet

router = DefaultRouter()
router.include_root_view = False
router.register(r"teams/(?P<team_id>\d+)/analyses", AnalysisViewSet, basename="analysis")

# Pictures are files, so their URLs end in an extension, not a slash.
PICTURES = (
    ("ep-chart", "svg", "ep_chart"),
    ("drive-chart", "svg", "drive_chart"),
    ("wristband", "pdf", "wristband"),
)

urlpatterns = [
    *[
        re_path(
            rf"^teams/(?P<team_id>\d+)/analyses/(?P<pk>[^/.]+)/{name}\.{ext}$",
            AnalysisViewSet.as_view({"get": view}),
            name=f"analysis-{name}",
        )
        for name, ext, view in PICTURES
    ],
    *router.urls,
]
