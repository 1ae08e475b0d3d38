"""A blog's Atom or RSS feed, read into entries not yet written (``Draft``), one per post.

feedparser reads every shape of feed blogs publish (Jekyll's jekyll-feed Atom, Hugo's RSS,
WordPress's RSS with ``content:encoded``) and sanitises their HTML; markdownify turns that
HTML into the Markdown an entry holds, which Entry.save sanitises again on the way out.
"""

import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass

import feedparser
from django.utils.html import strip_tags
from markdownify import markdownify

from journal.markdown import MAX_ENTRY_TEXT
from journal.porting.posts import Draft, _draft

# The posts of one feed looked at, newest first: a feed holding a blog's whole history is
# read in its latest posts only.
MAX_POSTS_READ = 100
MAX_TOPICS = 10
# Room kept under MAX_ENTRY_TEXT for the link back to the post.
_LINK_ROOM = 600
_HTML_TYPES = {"text/html", "application/xhtml+xml"}


class NotAFeed(Exception):
    """The document is not Atom or RSS; the message says so in plain words."""


@dataclass
class FeedPost:
    """One post of the feed: its id's key, the digest of what it would import, its draft."""

    key: str
    digest: str
    draft: Draft


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def read_feed(data: bytes, *, url: str, user, visibility: str) -> list[FeedPost]:
    """The posts of the feed document ``data``, read at ``url``, as ``user``'s drafts,
    oldest first, each ``visibility``. Posts without a date or an id are left out; relative
    links are made absolute against ``url``. Raises NotAFeed."""
    parsed = feedparser.parse(
        # A stream, never bytes or a str: feedparser opens those as a file name or a URL.
        io.BytesIO(data),
        response_headers={"content-location": url},
        sanitize_html=True,
        resolve_relative_uris=True,
    )
    if not parsed.get("version"):
        raise NotAFeed("Not a feed: the address answered something that is not Atom or RSS.")
    posts = []
    for item in parsed.entries[:MAX_POSTS_READ]:
        if post := _read_post(item, user=user, visibility=visibility):
            posts.append(post)
    return sorted(posts, key=lambda post: post.draft.created_at)


def _read_post(item, *, user, visibility):
    identity = item.get("id") or item.get("link")
    # dict.get: feedparser's own get() answers published_parsed for a missing
    # updated_parsed, with a deprecation warning.
    updated = dict.get(item, "updated_parsed")
    published = dict.get(item, "published_parsed") or updated
    if not identity or not published:
        return None
    moment = dt.datetime(*published[:6], tzinfo=dt.UTC)
    link = item.get("link", "")
    title = _plain(item.get("title", ""), item.get("title_detail"))
    day = moment.astimezone(user.zone).date()
    draft = _draft(
        link or identity,
        day,
        user,
        title=title or f"Learning on {day:%-d %B %Y}",
        body=_body(item, link),
        minutes=user.daily_goal_minutes,
        topics=_topics(item),
        visibility=visibility,
        created_at=moment,
        updated_at=dt.datetime(*updated[:6], tzinfo=dt.UTC) if updated else None,
    )
    digest = _sha256(json.dumps([draft.day.isoformat(), draft.title, draft.body, draft.topics]))
    return FeedPost(key=_sha256(identity), digest=digest, draft=draft)


def _plain(text, detail):
    """A title as plain text: feedparser leaves the tags of an HTML title in."""
    if detail and detail.get("type") in _HTML_TYPES:
        return " ".join(strip_tags(text).split())
    return " ".join(text.split())


def _body(item, link):
    """The post's full content when the feed has it, else its summary, as Markdown, with a
    link back to the post; cut at a paragraph when longer than an entry may hold."""
    parts = item.get("content") or []
    detail = parts[0] if parts else item.get("summary_detail") or {}
    text = detail.get("value", "") if parts else item.get("summary", "")
    if detail.get("type", "text/html") in _HTML_TYPES:
        text = markdownify(text, heading_style="ATX", bullets="-")
    text = text.strip()
    if len(text) > MAX_ENTRY_TEXT - _LINK_ROOM:
        cut = text[: MAX_ENTRY_TEXT - _LINK_ROOM]
        text = cut[: cut.rfind("\n\n")] if "\n\n" in cut else cut
        text += "\n\n…"
    linkable = not any(character in link for character in " <>\n")
    if link.startswith(("https://", "http://")) and linkable and len(link) < _LINK_ROOM - 50:
        text += f"\n\n[Read it on the blog](<{link}>)"
    return text.strip()


def _topics(item):
    names = [tag.get("term") or tag.get("label") or "" for tag in item.get("tags") or []]
    return list(dict.fromkeys(name.strip() for name in names if name.strip()))[:MAX_TOPICS]
