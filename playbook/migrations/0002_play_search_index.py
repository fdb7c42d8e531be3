"""Full-text search index for plays, on PostgreSQL only (SQLite has no GIN)."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX = GinIndex(SearchVector("search_text", config="english"), name="play_search_gin")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("playbook", "Play"), INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("playbook", "Play"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("playbook", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
