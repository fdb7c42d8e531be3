from django.apps import AppConfig


class GamedayConfig(AppConfig):
    name = "gameday"
    verbose_name = "Game day"
