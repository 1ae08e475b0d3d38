from django.db import migrations, models
from django.db.models import F


def welcome_everyone_already_here(apps, schema_editor):
    # The welcome step is for people who join from now on: those already here have
    # answered its questions in their settings, or never needed them.
    User = apps.get_model("journal", "User")
    User.objects.update(welcomed_at=F("date_joined"))


class Migration(migrations.Migration):

    dependencies = [
        ('journal', '0006_user_public_figures'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='welcomed_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(welcome_everyone_already_here, migrations.RunPython.noop),
    ]
