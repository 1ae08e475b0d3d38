"""Indexes for a journey's queries.

On PostgreSQL, one entry per author per day is enforced by a covering index.

The journey's heatmap and hours per topic read every entry of one person: with the minutes,
visibility, moderation state and id in the index, PostgreSQL answers them from the index
alone instead of visiting one table page per entry. The constraint keeps its name and its
meaning (Django's state does not change); SQLite has no covering indexes and keeps the plain
one.

The entry's author needs no index of its own: that one starts with the author.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

COLUMNS = "(author_id, day)"
COVERING = "INCLUDE (minutes, visibility, moderation_state, id)"
CONSTRAINT = "one_entry_per_author_per_day"


def _replace(schema_editor, include):
    schema_editor.execute(f"ALTER TABLE journal_entry DROP CONSTRAINT {CONSTRAINT}")
    schema_editor.execute(
        f"ALTER TABLE journal_entry ADD CONSTRAINT {CONSTRAINT} UNIQUE {COLUMNS} {include}"
    )


def cover(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _replace(schema_editor, COVERING)


def uncover(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _replace(schema_editor, "")


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0002_entry_search"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(cover, uncover),
        migrations.AlterField(
            model_name="entry",
            name="author",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="entries",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
