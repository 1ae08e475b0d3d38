import pytest
from django.urls import reverse

from tests.conftest import write_entry


@pytest.mark.parametrize(
    "name", ["journal:home", "journal:feed", "account_signup", "account_login"]
)
def test_public_pages_render_for_visitors(client, db, name):
    assert client.get(reverse(name)).status_code == 200


def test_written_entry_is_day_one_with_a_streak(alice):
    entry = write_entry(alice, minutes=60)
    alice.refresh_from_db()
    assert entry.number == 1
    assert alice.current_streak == 1
