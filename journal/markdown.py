"""The one Markdown pipeline: Python-Markdown, then nh3 with an explicit allowlist.

Entries, comments and the editor's live preview all go through ``render_markdown``, so
what a person previews is exactly what gets published, and nothing anyone writes can
reach another person's browser as script.
"""

import re
import threading

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "strong", "sub",
    "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "td": {"align"},
    "th": {"align"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# nh3 reads "java\tscript:alert(1)" as a harmless relative link, and so do today's
# browsers; a feed reader or mail client that skips whitespace and control characters
# inside a URL would read javascript:, so such a link is dropped before it leaves the site.
_IGNORED_IN_URLS = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")
# The most a Markdown field of an entry (what I studied, the reflection) may hold; a comment
# holds less (Comment.body). The editor's preview refuses longer text.
MAX_ENTRY_TEXT = 20_000
EXTENSIONS = ["fenced_code", "tables", "sane_lists", "smarty", "toc"]
EXTENSION_CONFIGS = {
    # Column alignment as the allowlisted ``align`` attribute: the default inline style
    # would be stripped by nh3, silently losing it.
    "tables": {"use_align_attribute": True},
    # A writer's "# heading" sits under the entry's own title (h1) and sections (h2).
    "toc": {"baselevel": 3},
}


_converters = threading.local()


def _converter():
    # Building a converter loads every extension, a third of a short entry's rendering
    # time; one per thread is reset and reused, as converters are not thread-safe.
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown.Markdown(
            extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html"
        )
    return converter


def render_markdown(text):
    """Markdown source to sanitised HTML, safe to show to anyone."""
    if not text:
        return ""
    html = _converter().reset().convert(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
        strip_comments=True,
        attribute_filter=_drop_disguised_urls,
    )


def _drop_disguised_urls(tag, attribute, value):
    if attribute in ("href", "src"):
        scheme = _SCHEME.match(_IGNORED_IN_URLS.sub("", value).lower())
        if scheme and scheme.group(1) not in ALLOWED_URL_SCHEMES:
            return None
    return value
