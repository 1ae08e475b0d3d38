"""A finisher's certificate: found from the journey's badge, readable signed out, its
share image a 1200×630 PNG, and no serious axe-core finding in light, dark or on a phone."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from journal import services
from journal.models import Challenge, Participation
from tests.browser.conftest import watched_page
from tests.browser.test_accessibility import WIDTHS, serious_violations
from tests.conftest import make_user, write_entry

pytestmark = pytest.mark.browser

DAYS = 30
LESSONS = [
    "Ownership is a promise the compiler checks.",
    "Borrowing is reading with a return date.",
    "Lifetimes name what was already true.",
]


@pytest.fixture
def finisher(transactional_db):
    """Alice, who wrote every day of a 30-day challenge that ended today."""
    alice = make_user("alice", display_name="Alice Martin", learning_focus="Rust")
    today = alice.local_today()
    first = today - dt.timedelta(days=DAYS - 1)
    challenge = services.challenge_create(
        challenge=Challenge(
            creator=alice,
            title="Thirty days of Rust",
            starts_on=today,
            length_days=DAYS,
            daily_minimum=45,
        ),
        topic_names=["rust", "systems programming"],
    )
    # Started a month ago, as the form no longer allows: the days are already written.
    Challenge.objects.filter(pk=challenge.pk).update(starts_on=first, ends_on=today)
    Participation.objects.filter(challenge=challenge).update(counts_from=first)
    for n in range(DAYS):
        write_entry(
            alice,
            day=first + dt.timedelta(days=n),
            minutes=60 + n % 4 * 15,
            title=f"Rust, chapter {n + 1}",
            topics=["rust"],
            key_lesson=LESSONS[n] if n < len(LESSONS) else "",
        )
    assert Participation.objects.get(challenge=challenge, person=alice).finished_on == today
    return alice, challenge


def test_the_certificate_is_found_from_the_journey_and_shares_a_png(page, finisher):
    _, challenge = finisher
    page.goto(reverse("journal:journey", args=["alice"]))
    page.get_by_role("link", name="Finished Thirty days of Rust").click()
    certificate = reverse("journal:certificate", args=[challenge.slug, "alice"])
    expect(page).to_have_url(re.compile(re.escape(certificate) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Alice Martin")
    expect(page.get_by_text("Certificate of completion")).to_be_visible()
    expect(page.get_by_role("link", name="Thirty days of Rust")).to_be_visible()
    figures = page.get_by_label("The run in figures")
    expect(figures).to_contain_text("30 of 30")
    expect(figures).to_contain_text("40.8")
    for lesson in LESSONS:
        expect(page.get_by_text(lesson)).to_be_visible()

    image_url = page.locator('meta[property="og:image"]').get_attribute("content")
    response = page.request.get(image_url)
    assert response.status == 200
    assert response.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(response.body())) as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))
    assert page.get_by_role("link", name="Download the image").get_attribute("href") == image_url


@pytest.mark.parametrize(("width", "scheme"), [("desktop", "light"), ("desktop", "dark"), ("phone", "light"), ("phone", "dark")])  # fmt: skip
def test_the_certificate_has_no_serious_axe_violations(
    browser, live_server, browser_problems, finisher, width, scheme
):
    _, challenge = finisher
    page = watched_page(
        browser, live_server.url, browser_problems, viewport=WIDTHS[width], color_scheme=scheme
    )
    try:
        for path in (
            reverse("journal:certificate", args=[challenge.slug, "alice"]),
            reverse("journal:journey", args=["alice"]),
        ):
            assert page.goto(path).status == 200
            assert serious_violations(page) == []
    finally:
        page.context.close()


def test_a_visitor_cannot_find_an_invite_only_certificate(page, finisher):
    _, challenge = finisher
    Challenge.objects.filter(pk=challenge.pk).update(visibility=Challenge.Visibility.INVITE)
    make_user("bob")
    response = page.goto(reverse("journal:certificate", args=[challenge.slug, "alice"]))
    assert response.status == 404
    page.goto(reverse("journal:journey", args=["alice"]))
    expect(page.get_by_text("Thirty days of Rust")).to_have_count(0)
