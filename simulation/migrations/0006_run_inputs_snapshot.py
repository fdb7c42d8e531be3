from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("simulation", "0005_policy_play_ids"),
    ]

    operations = [
        migrations.AddField(
            model_name="simulationrun",
            name="inputs",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
    ]
