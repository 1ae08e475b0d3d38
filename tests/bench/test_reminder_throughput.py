"""The benchmark's reminder figure measures real sending: one worker sends every reminder
the scheduler queued, once, through the in-memory email backend."""

import pytest

from tests.bench.run import format_reminders, measure_reminders
from tests.bench.server import app_env, manage

pytestmark = [pytest.mark.load, pytest.mark.xdist_group("load")]


def test_one_worker_sends_each_due_reminder_once(cluster):
    env = app_env(cluster.url)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "seed_scale", "--users=60", "--entries=600", "-v0")

    first = measure_reminders(env, 30)
    assert first["due"] >= 25
    assert first["queued"] == first["due"]
    assert (first["sent"], first["failed"]) == (first["due"], 0)
    assert first["per_minute"] > 0
    assert f"sent {first['sent']} " in format_reminders(first)
    # A second measurement starts clean: the first one's deliveries do not stop it.
    second = measure_reminders(env, 30)
    assert second["sent"] == second["due"] == first["due"]
