"""Atom feeds of public entries: the whole site, one person, one topic, one challenge."""

import re

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from journal.models import Challenge, Entry, Topic, User, attach_topics

ITEMS = 30


# The control characters XML 1.0 cannot carry. Forms accept them, and one in a title or
# a name would otherwise make every feed that shows it fail with a server error.
XML_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_safe(value):
    if isinstance(value, str):
        return XML_CONTROL_CHARS.sub("", value)
    if isinstance(value, list | tuple):
        return [_xml_safe(item) for item in value]
    return value


class AtomWithContent(Atom1Feed):
    """Atom with each entry's full HTML in <content>, next to its short <summary>."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.feed = {key: _xml_safe(value) for key, value in self.feed.items()}

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **kwargs)
        self.items[-1] = {key: _xml_safe(value) for key, value in self.items[-1].items()}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})


class LatestEntries(Feed):
    feed_type = AtomWithContent
    title = "Momentum: latest entries"
    subtitle = "What everyone in the daily learning challenge learned, newest first."

    def link(self):
        return reverse("journal:feed")

    def entries(self, obj):
        """The public entries this feed is about; the one visibility rule applies."""
        return Entry.objects.public()

    def items(self, obj):
        entries = list(self.entries(obj).for_cards().newest_first()[:ITEMS])
        attach_topics(entries)
        return entries

    def item_title(self, item):
        return f"Day {item.number}: {item.title}"

    def item_description(self, item):
        # Atom summaries are typed HTML; the key lesson and excerpt are plain text.
        return escape(item.key_lesson or item.excerpt)

    def item_extra_kwargs(self, item):
        # The HTML stored by Entry.save(), sanitised once by journal/markdown.py.
        return {"content": item.body_html}

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.author.name

    def item_categories(self, item):
        return [topic.slug for topic in item.topic_list]


class PersonEntries(LatestEntries):
    def get_object(self, request, username):
        return get_object_or_404(User.objects.public(), username=username)

    def title(self, obj):
        return f"{obj.name} on Momentum"

    def subtitle(self, obj):
        return obj.learning_focus or f"{obj.name}'s daily learning journey."

    def link(self, obj):
        return obj.get_absolute_url()

    def entries(self, obj):
        return Entry.objects.public().filter(author=obj)


class TopicEntries(LatestEntries):
    def get_object(self, request, slug):
        return get_object_or_404(Topic.objects.in_use(), slug=slug)

    def title(self, obj):
        return f"Momentum: #{obj.slug}"

    def subtitle(self, obj):
        return f"Public entries about {obj.name} in the daily learning challenge."

    def link(self, obj):
        return obj.get_absolute_url()

    def entries(self, obj):
        return Entry.objects.public().filter(topics=obj)


class ChallengeEntries(LatestEntries):
    """A public challenge's entries; an invite-only one has no feed, as feed readers come
    without the invitation."""

    def get_object(self, request, slug):
        return get_object_or_404(Challenge.objects.public(), slug=slug)

    def title(self, obj):
        return f"Momentum: {obj.title}"

    def subtitle(self, obj):
        return f"What the people in the challenge “{obj.title}” learned, newest first."

    def link(self, obj):
        return obj.get_absolute_url()

    def entries(self, obj):
        return obj.public_entries()
