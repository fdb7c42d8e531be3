from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """ModelBackend whose username is the email; UserManager.get_by_natural_key
    matches it case-insensitively. Wrong email and wrong password fail alike."""
