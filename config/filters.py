"""Filters for every list: a value that makes no sense is a 400, never ignored."""

import django_filters
from django import forms
from django.db import models
from django_filters.rest_framework import DjangoFilterBackend


class StrictBooleanField(forms.NullBooleanField):
    """true/false/1/0/yes/no (or absent); anything else is an error."""

    widget = forms.TextInput  # NullBooleanSelect would turn "maybe" into None silently

    def clean(self, value):
        if value in (None, ""):
            return None
        text = str(value).lower()
        if text in ("true", "1", "yes"):
            return True
        if text in ("false", "0", "no"):
            return False
        raise forms.ValidationError(f"'{value}' — use true or false.")


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class IdFilter(django_filters.NumberFilter):
    """A database id: a whole number that can exist (larger ones are a 400)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=2**63 - 1, **kwargs)


class StrictFilterSet(django_filters.FilterSet):
    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": BooleanFilter},
        models.ForeignKey: {"filter_class": IdFilter},
    }


class FilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend whose generated filter sets are strict too."""

    filterset_base = StrictFilterSet
