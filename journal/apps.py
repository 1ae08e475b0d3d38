from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "journal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from journal import caching, checks  # noqa: F401 (checks registers itself)

        caching.connect_signals()
