from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("simulation", "0006_run_priority_slice_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="simulationrun",
            name="inputs",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
    ]
