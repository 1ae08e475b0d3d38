"""The one Markdown pipeline: Python-Markdown, then nh3 with an explicit allowlist.

Entries, comments and the editor's live preview all go through ``render_markdown``, so
what a person previews is exactly what gets published, and nothing anyone writes can
reach another person's browser as script.
"""

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
EXTENSIONS = ["fenced_code", "tables", "sane_lists", "smarty", "toc"]
EXTENSION_CONFIGS = {
    # Column alignment as the allowlisted ``align`` attribute: the default inline style
    # would be stripped by nh3, silently losing it.
    "tables": {"use_align_attribute": True},
    # A writer's "# heading" sits under the entry's own title (h1) and sections (h2).
    "toc": {"baselevel": 3},
}


def render_markdown(text):
    """Markdown source to sanitised HTML, safe to show to anyone."""
    if not text:
        return ""
    html = markdown.markdown(
        text, extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html"
    )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
        strip_comments=True,
    )
