from django.apps import AppConfig


class PlaybookConfig(AppConfig):
    name = "playbook"
    verbose_name = "Playbook"

    def ready(self):
        from playbook import services
        from teams.services import team_created

        team_created.connect(services.on_team_created, dispatch_uid="playbook_default_ruleset")
