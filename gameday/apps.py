from django.apps import AppConfig


class GamedayConfig(AppConfig):
    name = "gameday"
    verbose_name = "Game day"

    def ready(self):
        # Games join the FieldOS JSON export and import (playbook.interchange may not
        # import gameday; gameday plugs its kind in).
        from playbook.interchange.extensions import register

        from .interchange import GAMES

        register(GAMES)
