"""Full-text search on PostgreSQL: a stored, generated search vector and its GIN index.

The model stays portable (SQLite has no tsvector), so the column exists only on
PostgreSQL and is read through journal/search.py; on other databases this migration
does nothing and search falls back to plain substring matching.
"""

from django.db import migrations

# Title weighs most, then the key lesson, then what was studied and the reflection.
ADD_COLUMN = """
ALTER TABLE journal_entry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(title, '')), 'A')
    || setweight(to_tsvector('english', coalesce(key_lesson, '')), 'B')
    || setweight(to_tsvector('english', coalesce(body, '') || ' ' || coalesce(reflection, '')), 'C')
) STORED
"""
# /search/?q=: `search_vector @@ websearch_to_tsquery('english', ...)`.
ADD_INDEX = "CREATE INDEX entry_search_vector_idx ON journal_entry USING GIN (search_vector)"
DROP_INDEX = "DROP INDEX IF EXISTS entry_search_vector_idx"
DROP_COLUMN = "ALTER TABLE journal_entry DROP COLUMN IF EXISTS search_vector"


def add_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD_COLUMN)
        schema_editor.execute(ADD_INDEX)


def drop_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_INDEX)
        schema_editor.execute(DROP_COLUMN)


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(add_search_vector, drop_search_vector),
    ]
