from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "journal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_save

        from journal import caching, checks, services, tasks  # noqa: F401 (they register themselves)
        from journal.models import User

        caching.connect_signals()
        post_save.connect(
            services.user_join_site_challenge, sender=User, dispatch_uid="site-challenge"
        )
