from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_api_tokens"),
    ]

    operations = [
        migrations.AlterField(
            model_name="membership",
            name="role",
            field=models.CharField(
                choices=[
                    ("worker", "Outreach worker"),
                    ("supervisor", "Supervisor"),
                    ("volunteer", "Distribution volunteer"),
                ],
                default="worker",
                max_length=20,
                verbose_name="role",
            ),
        ),
    ]
