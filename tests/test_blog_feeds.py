"""Issue 20: a learner's own blog keeps their streak. Its feed, served by a local HTTP
server in the shapes Jekyll, Hugo and WordPress publish, becomes entries."""

import datetime as dt
from email.utils import format_datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from journal.models import BlogFeed, BlogPost, Entry
from journal.services import blogfeeds
from tests.conftest import Answer, make_user, write_entry
from tests.test_reminders import in_two_threads_at_once

pytestmark = pytest.mark.usefixtures("allow_private_addresses")


def ago(days, hour=9):
    """A moment ``days`` days before now, at ``hour`` UTC."""
    now = timezone.now()
    return dt.datetime(now.year, now.month, now.day, hour, tzinfo=dt.UTC) - dt.timedelta(days)


def jekyll_atom(*posts):
    """jekyll-feed's Atom: posts as (id, title, published, html, categories)."""
    entries = "".join(
        f"""<entry><title type="html">{title}</title>
        <link href="https://alice.example/{slug}/" rel="alternate" type="text/html"/>
        <published>{published.isoformat()}</published><updated>{published.isoformat()}</updated>
        <id>https://alice.example/{slug}</id>
        <content type="html" xml:base="https://alice.example/{slug}/">{html}</content>
        {"".join(f'<category term="{c}"/>' for c in categories)}</entry>"""
        for slug, title, published, html, categories in posts
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><generator uri="https://jekyllrb.com/">Jekyll</generator>
<link href="https://alice.example/feed.xml" rel="self" type="application/atom+xml"/>
<updated>2026-01-01T00:00:00+00:00</updated><id>https://alice.example/feed.xml</id>
<title type="html">Alice learns</title>{entries}</feed>""".encode()


def hugo_rss(*posts):
    """Hugo's RSS: posts as (slug, title, published, escaped html summary)."""
    items = "".join(
        f"""<item><title>{title}</title><link>https://alice.example/posts/{slug}/</link>
        <pubDate>{format_datetime(published)}</pubDate>
        <guid>https://alice.example/posts/{slug}/</guid><description>{html}</description></item>"""
        for slug, title, published, html in posts
    )
    return f"""<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Alice</title>
<link>https://alice.example/</link><generator>Hugo</generator>{items}</channel></rss>""".encode()


def wordpress_rss(*posts):
    """WordPress's RSS 2.0: content:encoded in CDATA, categories, guid ?p=N."""
    items = "".join(
        f"""<item><title>{title}</title><link>https://alice.example/{number}/</link>
        <dc:creator><![CDATA[alice]]></dc:creator><pubDate>{format_datetime(published)}</pubDate>
        {"".join(f"<category><![CDATA[{c}]]></category>" for c in categories)}
        <guid isPermaLink="false">https://alice.example/?p={number}</guid>
        <description><![CDATA[A short excerpt]]></description>
        <content:encoded><![CDATA[{html}]]></content:encoded></item>"""
        for number, title, published, html, categories in posts
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Alice</title>
<link>https://alice.example</link><generator>https://wordpress.org/?v=6.8</generator>
{items}</channel></rss>""".encode()


@pytest.fixture
def blog(alice, local_server):
    """Alice's blog at the local server's /feed.xml (its document set by each test)."""
    return blogfeeds.blog_feed_save(
        user=alice, url=local_server.url + "/feed.xml", visibility=Entry.Visibility.PUBLIC
    )


def serve(local_server, document, **headers):
    local_server.answers["/feed.xml"] = Answer(
        body=document, headers={"Content-Type": "application/xml", **headers}
    )


def fetch(feed):
    outcome = blogfeeds.blog_feed_fetch(feed_id=feed.pk)
    feed.refresh_from_db()
    return outcome


def test_a_jekyll_atom_feed_becomes_entries_on_each_posts_local_day(alice, blog, local_server):
    serve(
        local_server,
        jekyll_atom(
            (
                "day-1",
                "Day 1: &lt;em&gt;tensors&lt;/em&gt;",
                ago(3, hour=23),  # 23:00 UTC is the next day in Paris
                "&lt;h2&gt;What I did&lt;/h2&gt;&lt;p&gt;Some &lt;strong&gt;bold&lt;/strong&gt; "
                "work.&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;",
                ["pytorch", "Deep Learning"],
            ),
            ("day-2", "Day 2", ago(1), "&lt;p&gt;More.&lt;/p&gt;", []),
        ),
    )
    assert fetch(blog) == "2 new entries."
    first, second = Entry.objects.filter(author=alice).order_by("day")
    assert first.day == ago(3, hour=23).astimezone(alice.zone).date() == ago(2).date()
    assert first.title == "Day 1: tensors"
    assert first.body.startswith("## What I did\n\nSome **bold** work.")
    assert "alert" not in first.body
    assert "<script" not in first.body_html
    assert "[Read it on the blog](<https://alice.example/day-1/>)" in first.body
    assert sorted(first.topics.values_list("slug", flat=True)) == ["deep-learning", "pytorch"]
    assert first.minutes == alice.daily_goal_minutes
    assert first.visibility == Entry.Visibility.PUBLIC
    assert (second.day, second.number) == (ago(1).date(), 2)
    alice.refresh_from_db()
    assert alice.entry_count == 2
    assert blog.problem == ""
    assert blog.fetched_at is not None
    assert blog.outcome == "2 new entries."


def test_a_hugo_rss_feed_becomes_entries(alice, blog, local_server):
    serve(
        local_server,
        hugo_rss(
            ("convolutions", "Convolutions", ago(1), "&lt;p&gt;Kernels &amp;amp; strides&lt;/p&gt;")
        ),
    )
    assert fetch(blog) == "1 new entry."
    entry = Entry.objects.get(author=alice)
    assert (entry.title, entry.day) == ("Convolutions", ago(1).date())
    assert entry.body.startswith("Kernels & strides")


def test_a_wordpress_feed_becomes_entries_with_its_full_content(alice, blog, local_server):
    serve(
        local_server,
        wordpress_rss(
            (42, "Attention", ago(2), "<p>Full <a href='/attention'>post</a>.</p>", ["NLP"])
        ),
    )
    fetch(blog)
    entry = Entry.objects.get(author=alice)
    assert "A short excerpt" not in entry.body
    # Relative links are made absolute against the feed's own address.
    assert entry.body.startswith(f"Full [post]({local_server.url}/attention).")
    assert list(entry.topics.values_list("slug", flat=True)) == ["nlp"]


def test_private_entries_when_the_learner_chooses(alice, local_server):
    feed = blogfeeds.blog_feed_save(
        user=alice, url=local_server.url + "/feed.xml", visibility=Entry.Visibility.PRIVATE
    )
    serve(local_server, hugo_rss(("a", "A", ago(1), "text")))
    fetch(feed)
    assert Entry.objects.get(author=alice).visibility == Entry.Visibility.PRIVATE


def test_an_unchanged_feed_answers_304_and_nothing_is_read(alice, blog, local_server):
    document = hugo_rss(("a", "A", ago(1), "text"))

    def conditional(headers):
        if headers.get("If-None-Match") == '"v1"':
            return Answer(304)
        return Answer(body=document, headers={"ETag": '"v1"', "Last-Modified": "Mon, 01 Jun"})

    local_server.answers["/feed.xml"] = conditional
    fetch(blog)
    assert (blog.etag, blog.last_modified) == ('"v1"', "Mon, 01 Jun")
    assert fetch(blog) == "Nothing new since the last fetch."
    assert local_server.requests[-1][2]["If-Modified-Since"] == "Mon, 01 Jun"
    assert Entry.objects.filter(author=alice).count() == 1


def test_a_post_is_never_imported_twice(alice, blog, local_server):
    serve(local_server, jekyll_atom(("a", "A", ago(2), "text", []), ("b", "B", ago(1), "t", [])))
    fetch(blog)
    assert fetch(blog) == "No new posts."
    assert Entry.objects.filter(author=alice).count() == 2
    assert BlogPost.objects.filter(person=alice).count() == 2


def test_an_edited_post_updates_its_entry(alice, blog, local_server):
    serve(local_server, jekyll_atom(("a", "First try", ago(2), "Old text.", ["python"])))
    fetch(blog)
    entry = Entry.objects.get(author=alice)
    serve(local_server, jekyll_atom(("a", "Second try", ago(2), "New text.", ["django"])))
    assert fetch(blog) == "0 new entries, 1 entry updated."
    edited = Entry.objects.get(author=alice)
    assert edited.pk == entry.pk
    assert (edited.title, edited.body.split("\n")[0]) == ("Second try", "New text.")
    assert list(edited.topics.values_list("slug", flat=True)) == ["django"]


def test_an_edit_of_a_post_whose_entry_was_deleted_is_left_alone(alice, blog, local_server):
    serve(local_server, jekyll_atom(("a", "First", ago(2), "Old.", [])))
    fetch(blog)
    Entry.objects.filter(author=alice).delete()
    serve(local_server, jekyll_atom(("a", "Edited", ago(2), "New.", [])))
    assert fetch(blog) == "No new posts."
    assert not Entry.objects.filter(author=alice).exists()


def test_a_day_written_on_momentum_is_left_alone_and_reported(alice, blog, local_server):
    written = write_entry(alice, day=ago(1).date(), title="Written here", body="By hand.")
    serve(local_server, hugo_rss(("a", "From the blog", ago(1), "text")))
    outcome = fetch(blog)
    day = ago(1).date()
    assert outcome == (
        f"0 new entries. “From the blog” is left out: {day:%-d %B %Y} already has an entry "
        "on Momentum, which stays as it is."
    )
    assert Entry.objects.get(author=alice).title == written.title == "Written here"
    # Reported once: the post is remembered, not tried again at every fetch.
    assert fetch(blog) == "No new posts."


def test_two_posts_on_one_day_make_one_entry(alice, blog, local_server):
    serve(
        local_server,
        jekyll_atom(("a", "Morning", ago(1, 8), "a", []), ("b", "Evening", ago(1, 17), "b", [])),
    )
    assert "“Evening” is left out" in fetch(blog)
    assert Entry.objects.get(author=alice).title == "Morning"
    # The second post never takes over the first one's entry when it is edited.
    serve(
        local_server,
        jekyll_atom(("a", "Morning", ago(1, 8), "a", []), ("b", "Evening!", ago(1, 17), "c", [])),
    )
    fetch(blog)
    assert Entry.objects.get(author=alice).title == "Morning"


def test_a_post_dated_ahead_waits_for_its_day(alice, blog, local_server):
    serve(local_server, hugo_rss(("soon", "Soon", timezone.now() + dt.timedelta(days=3), "x")))
    assert fetch(blog) == "No new posts."
    assert not BlogPost.objects.exists()


def test_posts_beyond_the_cap_come_with_the_next_fetch(alice, blog, local_server, monkeypatch):
    monkeypatch.setattr(blogfeeds, "MAX_POSTS_PER_FETCH", 2)
    posts = [(f"p{n}", f"Post {n}", ago(n + 1), "text", []) for n in range(3)]
    serve(local_server, jekyll_atom(*posts), ETag='"v1"')
    assert fetch(blog) == "2 new entries, more posts come with the next fetch."
    # No validator kept, so the next fetch gets the whole feed, and it is due at once.
    assert blog.etag == ""
    assert blog.next_fetch_at <= timezone.now()
    assert fetch(blog) == "1 new entry."
    assert blog.etag == '"v1"'
    assert Entry.objects.filter(author=alice).count() == 3


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (Answer(404, b"Not found"), "The feed answered 404 instead of the feed."),
        (Answer(500, b"Oops"), "The feed answered 500 instead of the feed."),
        (
            Answer(body=b"<!doctype html><html><body><p>My blog</p></body></html>"),
            "Not a feed: the address answered something that is not Atom or RSS.",
        ),
        # feedparser opens a bare string as a file name: the feed's body must never be one.
        (Answer(body=b"/etc/passwd"), "Not a feed"),
        (Answer(body=b"x" * 2_000_001), "The answer is larger than 2 MB."),
    ],
)
def test_problems_are_said_in_plain_words(alice, blog, local_server, answer, problem):
    local_server.answers["/feed.xml"] = answer
    assert fetch(blog).startswith(problem)
    assert blog.problem.startswith(problem)
    assert blog.next_fetch_at > timezone.now() + blogfeeds.FETCH_EVERY
    assert not Entry.objects.filter(author=alice).exists()


def test_a_private_address_is_refused_without_the_switch(alice, blog, settings):
    settings.MOMENTUM_ALLOW_PRIVATE_ADDRESSES = False
    assert "private or reserved address" in fetch(blog)


def test_the_scheduler_claims_each_due_feed_once(alice, bob, blog, local_server):
    other = blogfeeds.blog_feed_save(user=bob, url="https://bob.example/feed", visibility="public")
    BlogFeed.objects.filter(pk=other.pk).update(next_fetch_at=timezone.now() + dt.timedelta(1))
    assert blogfeeds.blog_feeds_enqueue_due() == 1
    assert [task.args_kwargs["args"] for task in DBTaskResult.objects.all()] == [[blog.pk]]
    # A second scheduler running now finds nothing due: the first moved the feed on.
    assert blogfeeds.blog_feeds_enqueue_due() == 0
    blog.refresh_from_db()
    assert blog.next_fetch_at > timezone.now() + dt.timedelta(minutes=59)


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_racing_queue_one_fetch():
    feed = blogfeeds.blog_feed_save(
        user=make_user("raced"), url="https://raced.example/feed", visibility="public"
    )
    assert sorted(in_two_threads_at_once(blogfeeds.blog_feeds_enqueue_due)) == [0, 1]
    assert [task.args_kwargs["args"] for task in DBTaskResult.objects.all()] == [[feed.pk]]


def test_a_suspended_persons_feed_is_not_fetched(alice, blog):
    alice.is_suspended = True
    alice.save()
    assert blogfeeds.blog_feeds_enqueue_due() == 0


def test_the_task_runs_the_fetch(alice, blog, local_server):
    from journal.tasks import fetch_blog_feed

    serve(local_server, hugo_rss(("a", "A", ago(1), "text")))
    assert fetch_blog_feed.call(blog.pk) == "1 new entry."


def test_removing_the_feed_keeps_entries_and_the_memory_of_posts(alice, blog, local_server):
    serve(local_server, hugo_rss(("a", "A", ago(1), "text")))
    fetch(blog)
    blogfeeds.blog_feed_remove(user=alice)
    assert Entry.objects.filter(author=alice).count() == 1
    again = blogfeeds.blog_feed_save(user=alice, url=blog.url, visibility="public")
    assert fetch(again) == "No new posts."


# The settings page.


def test_the_settings_page_adds_shows_and_removes_the_feed(client, alice, local_server):
    client.force_login(alice)
    url = reverse("journal:blog_settings")
    assert reverse("journal:blog_settings") in client.get(reverse("journal:settings")).text
    page = client.get(url)
    assert page.status_code == 200
    assert "Add your feed" in page.text
    response = client.post(url, {"url": "https://alice.example/feed.xml", "visibility": "private"})
    assert response.status_code == 302
    feed = BlogFeed.objects.get(person=alice)
    assert (feed.url, feed.visibility) == ("https://alice.example/feed.xml", "private")
    assert "Not read yet" in client.get(url).text

    BlogFeed.objects.filter(pk=feed.pk).update(
        fetched_at=timezone.now(), problem="The feed answered 404 instead of the feed."
    )
    assert "The feed answered 404 instead of the feed." in client.get(url).text

    assert client.post(url, {"remove": "1"}).status_code == 302
    assert not BlogFeed.objects.filter(person=alice).exists()


def test_read_it_now_queues_the_feed_at_most_every_five_minutes(client, alice, blog, clock):
    url = reverse("journal:blog_settings")
    client.force_login(alice)
    assert "Read it now" in client.get(url).text
    an_hour_on = clock.instant + dt.timedelta(hours=1)
    BlogFeed.objects.filter(pk=blog.pk).update(
        fetched_at=clock.instant - dt.timedelta(minutes=6), next_fetch_at=an_hour_on
    )
    page = client.post(url, {"fetch_now": "1"}, follow=True)
    assert "Your blog is read within a minute." in page.text
    assert blogfeeds.blog_feeds_enqueue_due() == 1

    # Just read: the blog's server is spared another request for five minutes.
    BlogFeed.objects.filter(pk=blog.pk).update(fetched_at=clock.instant, next_fetch_at=an_hour_on)
    page = client.post(url, {"fetch_now": "1"}, follow=True)
    assert "it can be read again from 14:05 (your time)" in page.text
    assert BlogFeed.objects.get(pk=blog.pk).next_fetch_at == an_hour_on
    assert blogfeeds.blog_feeds_enqueue_due() == 0


def test_a_new_address_is_fetched_afresh(alice, blog):
    BlogFeed.objects.filter(pk=blog.pk).update(
        etag='"v1"', next_fetch_at=timezone.now() + dt.timedelta(hours=1), problem="Old"
    )
    feed = blogfeeds.blog_feed_save(user=alice, url="https://new.example/feed", visibility="public")
    assert (feed.etag, feed.problem) == ("", "")
    assert feed.next_fetch_at <= timezone.now()


@pytest.mark.parametrize(
    "address",
    [
        "ftp://alice.example/feed",
        "javascript:alert(1)",
        "not an address",
        "",
        "https://" + "a" * 600,
    ],
)
def test_a_bad_address_is_refused_with_a_message(client, alice, address):
    client.force_login(alice)
    response = client.post(
        reverse("journal:blog_settings"), {"url": address, "visibility": "public"}
    )
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert not BlogFeed.objects.exists()


def test_the_settings_page_needs_a_login(client):
    response = client.get(reverse("journal:blog_settings"))
    assert response.status_code == 302
    assert "login" in response.url


def test_the_settings_page_runs_the_same_queries_however_many_posts_were_read(
    client, alice, blog, local_server, django_assert_num_queries
):
    client.force_login(alice)
    url = reverse("journal:blog_settings")
    client.get(url)
    # Session, person, the feed.
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200
    serve(local_server, jekyll_atom(*[(f"p{n}", f"P{n}", ago(n + 1), "t", []) for n in range(5)]))
    fetch(blog)
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200


def test_due_feeds_are_found_in_one_query_and_claimed_in_four_each(
    alice, bob, blog, django_assert_num_queries
):
    blogfeeds.blog_feed_save(user=bob, url="https://bob.example/feed", visibility="public")
    # One query finds them; each claim is a savepoint, its update, the task's row and the
    # savepoint's release.
    with django_assert_num_queries(1 + 2 * 4):
        assert blogfeeds.blog_feeds_enqueue_due() == 2
