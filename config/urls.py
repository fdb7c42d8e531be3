from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from config.views import admin_login, health, home

urlpatterns = [
    path("", home, name="home"),
    path("admin/login/", admin_login),  # throttled; otherwise the admin's own login
    path("admin/", admin.site.urls),
    path("api/health/", health, name="health"),
    path("api/auth/", include("accounts.api.urls")),
    path("api/", include("teams.api.urls")),
    path("api/", include("playbook.api.urls")),
    path("api/", include("playbook.api.io_urls")),
    path("api/", include("simulation.api.urls")),
    path("api/", include("simulation.api.policy_urls")),
    path("api/", include("strategy.api.urls")),
    path("", include("gameday.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
]

handler404 = "config.api.json_404"
handler500 = "config.api.json_500"
