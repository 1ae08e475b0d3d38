"""Print a new VAPID key pair for browser push, as the environment takes it."""

from django.core.management.base import BaseCommand

from journal import push


class Command(BaseCommand):
    help = "Print a new VAPID key pair (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY) for browser push."

    def handle(self, *args, **options):
        public, private = push.new_vapid_keys()
        self.stdout.write(f"VAPID_PUBLIC_KEY={public}")
        self.stdout.write(f"VAPID_PRIVATE_KEY={private}")
