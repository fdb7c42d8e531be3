"""Text the admin pages of every app show for a refusal (the services raise
ValidationErrors keyed by field; a coach reads one line)."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def describe(error):
    """A refusal from a service as one line a coach can read."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return "; ".join(
            m if path in (NON_FIELD_ERRORS, "non_field_errors") else f"{path}: {m}"
            for path, ms in error.message_dict.items()
            for m in ms
        )
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return f"it clashes with an existing object ({error})"
