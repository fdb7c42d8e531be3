from django.apps import AppConfig


class PicturesConfig(AppConfig):
    """Diagrams, animations, charts and call sheets, and the code that serves them.

    The top layer: it reads the playbook and simulation apps and is read by their admin
    and API modules only (docs/pictures.md). It has no models.
    """

    name = "pictures"
    verbose_name = "Pictures"
