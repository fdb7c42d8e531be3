"""Email addresses: one normal form and one check for every way in (register, profile,
admin, invitations, login)."""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from config.text import text_problem


def normalize_email(email):
    """NFKC (full-width and other compatibility forms become their plain letters), no
    surrounding spaces, lower-cased: the form stored and compared."""
    return unicodedata.normalize("NFKC", email or "").strip().lower()


def email_problem(email):
    """Why `email` cannot be an account's address (invisible or control characters), or
    None."""
    problem = text_problem(email or "", invisible=True)
    if problem:
        return f"This email address is not valid: it c{problem[1:]}"
    return None


def clean_email(email):
    """Django-side check: the normal form, or ValidationError."""
    problem = email_problem(email)
    if problem:
        raise DjangoValidationError(problem, code="invalid")
    return normalize_email(email)


def validate_email_address(email):
    """DRF-side check: the normal form, or a field error."""
    problem = email_problem(email)
    if problem:
        raise serializers.ValidationError(problem)
    return normalize_email(email)


class EmailAddressField(serializers.EmailField):
    """An email field of the API: invisible and control characters refused first, then
    the normal form validated and returned."""

    def run_validation(self, data=serializers.empty):
        if isinstance(data, str):
            problem = email_problem(data)
            if problem:
                raise serializers.ValidationError(problem)
            data = normalize_email(data)
        return super().run_validation(data)


class EmailAddressFormField(forms.EmailField):
    """The same for Django forms (the admin)."""

    def to_python(self, value):
        value = super().to_python(value)
        problem = email_problem(value)
        if problem:
            raise DjangoValidationError(problem, code="invalid")
        return normalize_email(value)
