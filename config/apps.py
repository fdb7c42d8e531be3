from django.contrib.admin.apps import AdminConfig


class FieldOSAdminConfig(AdminConfig):
    """Installs config.admin_site.FieldOSAdminSite as `admin.site`."""

    default_site = "config.admin_site.FieldOSAdminSite"

    def ready(self):
        super().ready()
        from config import field_messages

        field_messages.install()
