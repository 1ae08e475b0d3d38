from django.db import migrations

from journal.markdown import plain_excerpt

BATCH = 1000


def recompute_excerpts(apps, schema_editor):
    # By ranges of ids rather than with iterator(): SQLite leaves undefined what a read in
    # progress sees of the rows written under it.
    Entry = apps.get_model("journal", "Entry")
    last = 0
    while batch := list(
        Entry.objects.filter(pk__gt=last).order_by("pk").only("body_html", "excerpt")[:BATCH]
    ):
        last = batch[-1].pk
        changed = []
        for entry in batch:
            excerpt = plain_excerpt(entry.body_html)
            if excerpt != entry.excerpt:
                entry.excerpt = excerpt
                changed.append(entry)
        Entry.objects.bulk_update(changed, ["excerpt"])


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0004_topic_public_entry_count"),
    ]

    operations = [
        migrations.RunPython(recompute_excerpts, migrations.RunPython.noop),
    ]
