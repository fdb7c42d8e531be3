from django.contrib.admin.apps import AdminConfig


class FieldOSAdminConfig(AdminConfig):
    """Installs config.admin_site.FieldOSAdminSite as `admin.site`."""

    default_site = "config.admin_site.FieldOSAdminSite"
