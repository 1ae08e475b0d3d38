"""The installable app in Chromium: the service worker and the manifest, a read page opened
offline with its mark, a draft that survives a reload and goes once published, and push
turned on and off for a device from the settings."""

import itertools
import json

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from journal import push
from journal.models import PushSubscription
from journal.services import push as push_services
from tests.browser.conftest import log_in, log_out, watched_page
from tests.browser.test_accessibility import WIDTHS, serious_violations
from tests.conftest import days_ago, make_user, write_entry
from tests.test_push import ENDPOINT, browser_keys

pytestmark = pytest.mark.browser


def wait_for_the_worker(page):
    """Wait until the service worker controls the page, and return its scope."""
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    return scope


def test_the_worker_registers_for_the_whole_site_and_the_manifest_is_valid(page, live_server):
    page.goto("/feed/")
    assert wait_for_the_worker(page) == f"{live_server.url}/"
    manifest_url = page.locator("link[rel=manifest]").get_attribute("href")
    manifest = page.evaluate(f"fetch('{manifest_url}').then(r => r.json())")
    assert manifest["name"] == "Momentum"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/"
    for icon in manifest["icons"]:
        size = page.evaluate(
            """src => new Promise((done, failed) => {
                const image = new Image();
                image.onload = () => done([image.naturalWidth, image.naturalHeight]);
                image.onerror = failed;
                image.src = src;
            })""",
            icon["src"],
        )
        assert f"{size[0]}x{size[1]}" == icon["sizes"]


def test_a_page_read_before_opens_offline_with_a_mark(page):
    alice = make_user("alice", display_name="Alice Martin")
    entry = write_entry(alice, title="Offline reading", body="Saved for the train.")
    page.goto("/feed/")
    wait_for_the_worker(page)
    page.goto(entry.get_absolute_url())
    expect(page.get_by_role("heading", name="Offline reading")).to_be_visible()

    page.context.set_offline(True)
    page.reload()
    banner = page.locator("[data-offline-copy]")
    expect(banner).to_contain_text("Offline.")
    expect(banner).to_contain_text("copy saved on this device")
    expect(page.get_by_role("heading", name="Offline reading")).to_be_visible()
    # The stylesheet came from the worker's copy too.
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != "Times New Roman"

    # A page never read is not there: the offline page says so and lists what is.
    page.goto("/people/")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    saved = page.locator("[data-saved-pages] a")
    expect(saved.filter(has_text=entry.get_absolute_url())).to_have_count(1)

    page.context.set_offline(False)
    page.reload()
    expect(page.get_by_role("heading", name="People")).to_be_visible()
    expect(page.locator("[data-offline-copy]")).to_have_count(0)


def test_logging_out_forgets_the_saved_pages(page):
    make_user("alice")
    log_in(page, "alice")
    wait_for_the_worker(page)
    page.goto("/following/")
    log_out(page)
    page.context.set_offline(True)
    page.goto("/following/")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    page.context.set_offline(False)


def draft_keys(page):
    return page.evaluate(
        "Object.keys(localStorage).filter(key => key.startsWith('momentum-draft:'))"
    )


def test_a_draft_survives_a_reload_can_be_discarded_and_goes_once_published(page):
    make_user("alice")
    log_in(page, "alice")
    page.goto("/write/")
    page.get_by_label("Title").fill("Kept on the device")
    page.locator("#id_body").fill("Half a thought about *graphs*.")
    page.reload()

    notice = page.locator("[data-draft-notice]")
    expect(notice).to_contain_text("Restored a draft kept on this device")
    expect(page.get_by_label("Title")).to_have_value("Kept on the device")
    expect(page.locator("#id_body")).to_have_value("Half a thought about *graphs*.")

    notice.get_by_role("button", name="Discard draft").click()
    expect(notice).to_have_count(0)
    expect(page.get_by_label("Title")).to_have_value("")
    assert draft_keys(page) == []
    page.reload()
    expect(page.locator("[data-draft-notice]")).to_have_count(0)

    page.get_by_label("Title").fill("Published from a draft")
    page.locator("#id_body").fill("Breadth first, then depth.")
    page.reload()
    expect(page.get_by_label("Title")).to_have_value("Published from a draft")
    page.get_by_role("button", name="Publish entry").click()
    expect(page.locator(".message-success")).to_be_visible()
    assert draft_keys(page) == []


def test_a_refused_form_keeps_its_draft(page):
    make_user("alice")
    log_in(page, "alice")
    page.goto("/write/")
    page.get_by_label("Minutes").fill("0")
    page.locator("#id_body").fill("Not enough minutes yet.")
    page.get_by_role("button", name="Publish entry").click()
    expect(page.locator(".form-errors")).to_be_visible()
    assert len(draft_keys(page)) == 1


# Push. Headless Chromium has no push service to register with (pushManager.subscribe()
# fails with "push service not available" offline), so PushManager.subscribe is replaced
# by one that answers as a browser does; everything else is real: the permission, the
# worker, the page's script, the server.
FAKE_SUBSCRIBE = """
PushManager.prototype.subscribe = function (options) {
  const key = options.applicationServerKey;
  if (key) localStorage.setItem("fake-push-key-bytes", key.byteLength);
  const subscription = {
    endpoint: "https://push.example.net/browser-test",
    toJSON() { return { endpoint: this.endpoint, expirationTime: null, keys: %s }; },
    unsubscribe() { localStorage.removeItem("fake-push"); return Promise.resolve(true); },
  };
  localStorage.setItem("fake-push", "on");
  return Promise.resolve(subscription);
};
PushManager.prototype.getSubscription = function () {
  if (!localStorage.getItem("fake-push")) return Promise.resolve(null);
  return this.subscribe({});
};
"""


@pytest.fixture
def push_keys(settings):
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = push.new_vapid_keys()


def browser_keys_json():
    return json.dumps(browser_keys())


def test_push_is_turned_on_and_off_for_this_device_from_settings(page, push_keys, live_server):
    alice = make_user("alice")
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    page.context.add_init_script(FAKE_SUBSCRIBE % browser_keys_json())
    log_in(page, "alice")
    page.goto(reverse("journal:settings"))
    section = page.locator("#push")
    expect(section.get_by_text("Turning push on needs JavaScript")).to_be_hidden()
    expect(section.get_by_text("None yet.")).to_be_visible()

    section.get_by_role("button", name="Turn push on for this device").click()
    expect(section.locator(".push-device-name")).to_have_text("Chrome on Linux")
    expect(section.get_by_role("status")).to_have_text("Push is on for this device.")
    assert page.evaluate("localStorage.getItem('fake-push-key-bytes')") == "65"
    device = PushSubscription.objects.get()
    assert device.person == alice
    assert device.endpoint == "https://push.example.net/browser-test"
    assert device.device.startswith("Chrome on Linux")

    section.get_by_role("button", name="Turn push off for this device").click()
    expect(section.get_by_role("status")).to_have_text("Push is off for this device.")
    expect(section.get_by_text("None yet.")).to_be_visible()
    assert not PushSubscription.objects.exists()


def test_a_device_is_removed_from_the_list_without_javascript(
    browser, live_server, transactional_db, push_keys
):
    alice = make_user("alice")
    push_services.push_subscribe(
        person=alice,
        endpoint="https://push.example.net/phone",
        p256dh="k",
        auth="a",
        device="Firefox on Android",
    )
    problems = []
    page = watched_page(browser, live_server.url, problems, java_script_enabled=False)
    log_in(page, "alice")
    page.goto(reverse("journal:settings"))
    section = page.locator("#push")
    expect(section.get_by_text("Turning push on needs JavaScript")).to_be_visible()
    expect(section.get_by_role("button", name="Turn push on for this device")).to_be_hidden()
    section.get_by_role("button", name="Remove Firefox on Android").click()
    expect(page.locator(".message-success")).to_have_text("Push is off for that device.")
    assert not PushSubscription.objects.exists()
    page.context.close()
    assert problems == []


@pytest.mark.parametrize(("width", "scheme"), list(itertools.product(WIDTHS, ["light", "dark"])))
def test_push_settings_a_restored_draft_and_an_offline_copy_pass_axe(
    browser, live_server, transactional_db, browser_problems, push_keys, width, scheme
):
    alice = make_user("alice", display_name="Alice Martin")
    entry = write_entry(alice, day=days_ago(alice, 1), title="Read on the train")
    push_services.push_subscribe(
        person=alice, endpoint=ENDPOINT, device="Firefox on Android", **browser_keys()
    )
    page = watched_page(
        browser, live_server.url, browser_problems, viewport=WIDTHS[width], color_scheme=scheme
    )
    found = []
    try:
        log_in(page, "alice")
        page.goto(reverse("journal:settings") + "#push")
        expect(page.locator("#push [data-push-toggle]")).to_be_visible()
        found.extend(serious_violations(page))

        page.goto(reverse("journal:write"))
        page.get_by_label("Title").fill("Half written")
        page.reload()
        expect(page.locator("[data-draft-notice]")).to_be_visible()
        found.extend(serious_violations(page))

        wait_for_the_worker(page)
        page.goto(entry.get_absolute_url())
        page.context.set_offline(True)
        page.reload()
        expect(page.locator("[data-offline-copy]")).to_be_visible()
        found.extend(serious_violations(page))
        page.goto(reverse("journal:people"))
        expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
        found.extend(serious_violations(page))
    finally:
        page.context.close()
    assert found == []
