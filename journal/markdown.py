"""The one Markdown pipeline: Python-Markdown, then nh3 with an explicit allowlist.

Entries, comments and the editor's live preview all go through ``render_markdown``, so
what a person previews is exactly what gets published, and nothing anyone writes can
reach another person's browser as script.

Nor can anything anyone writes hold a worker for long: a few of Python-Markdown's searches
ran from every bracket, tag, heading or inline element to the end of the text, so that
text made of nothing else took time that grew with the square of its length. ``_Bounded``
puts them back with limits no real text reaches, and the fields are capped
(``MAX_ENTRY_TEXT``).
"""

import re
import threading
import xml.etree.ElementTree as etree
from html import escape
from html.parser import HTMLParser

import markdown
import nh3
from markdown import blockprocessors, inlinepatterns, preprocessors, treeprocessors, util
from markdown.extensions.tables import TableProcessor
from markdown.htmlparser import HTMLExtractor

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


# Python-Markdown looks for the "]" that closes a link's text, and the ")" that closes its
# address, from every "[" and "(", to the end of the paragraph: a paragraph of brackets
# takes time that grows with the square of its length. Brackets nested deeper than this
# end the search: they are read as text, and no link of real text nests so deep.
MAX_BRACKET_NESTING = 5
_BRACKET = re.compile(r"[\[\]]")
_PARENTHESIS = re.compile(r"[()]")


def _too_deep(pattern, data, index):
    """Whether the bracket opened just before ``index`` holds brackets nested deeper than
    MAX_BRACKET_NESTING before it closes."""
    depth = 1
    for match in pattern.finditer(data, index):
        depth += 1 if match.group() in "[(" else -1
        if depth == 0:
            return False
        if depth > MAX_BRACKET_NESTING:
            return True
    return False


class _BoundedBrackets:
    """Link and image patterns whose bracket searches give up past MAX_BRACKET_NESTING."""

    def getText(self, data, index):
        if _too_deep(_BRACKET, data, index):
            return "", index, False
        return super().getText(data, index)

    def getLink(self, data, index):
        if data.startswith("(", index) and _too_deep(_PARENTHESIS, data, index + 1):
            return "", None, index, False
        return super().getLink(data, index)


class _Link(_BoundedBrackets, inlinepatterns.LinkInlineProcessor):
    pass


class _Image(_BoundedBrackets, inlinepatterns.ImageInlineProcessor):
    pass


class _Reference(_BoundedBrackets, inlinepatterns.ReferenceInlineProcessor):
    pass


class _ImageReference(_BoundedBrackets, inlinepatterns.ImageReferenceInlineProcessor):
    pass


class _ShortReference(_BoundedBrackets, inlinepatterns.ShortReferenceInlineProcessor):
    pass


class _ShortImageReference(_BoundedBrackets, inlinepatterns.ShortImageReferenceInlineProcessor):
    pass


# Python-Markdown's HTML reader looks for the end of every "<tag" to the end of the text;
# no real tag is longer than this.
MAX_TAG_LENGTH = 1024


class _HTMLExtractor(HTMLExtractor):
    def check_for_whole_start_tag(self, i):
        # A tag that does not end within MAX_TAG_LENGTH is read as text, as one that does
        # not end at all is; one with no ">" at all is known to be text at once.
        rawdata = self.rawdata
        if rawdata.find(">", i, i + MAX_TAG_LENGTH) < 0:
            return -1
        self.rawdata = rawdata[: i + MAX_TAG_LENGTH]
        try:
            return super().check_for_whole_start_tag(i)
        finally:
            self.rawdata = rawdata


class _HtmlBlockPreprocessor(preprocessors.HtmlBlockPreprocessor):
    def run(self, lines):
        parser = _HTMLExtractor(self.md)
        parser.feed("\n".join(lines))
        parser.close()
        return "".join(parser.cleandoc).split("\n")


# Python-Markdown tests what is left of a block each time a heading is taken off its top: a
# block of thousands of headings was read again in full for each of them.


class _TableProcessor(TableProcessor):
    def test(self, parent, block):
        # A table's first row has a "|"; the rows are only split once it does.
        return "|" in block.partition("\n")[0] and super().test(parent, block)


class _HashHeaderProcessor(blockprocessors.HashHeaderProcessor):
    def test(self, parent, block):
        # Looking for a "#" is quick; the pattern is tried at every position.
        return "#" in block and super().test(parent, block)


class _SetextHeaderProcessor(blockprocessors.SetextHeaderProcessor):
    def run(self, parent, blocks):
        # Only the heading's two lines are split off the block, not every line of it.
        lines = blocks.pop(0).split("\n", 2)
        super().run(parent, ["\n".join(lines[:2])])
        if len(lines) > 2:
            blocks.insert(0, lines[2])


class _InlineProcessor(treeprocessors.InlineProcessor):
    """Python-Markdown's InlineProcessor.run, but for one line: the place after a child
    whose tail holds inline Markdown is its index in the loop, where Python-Markdown looked
    the child up in a copy of its parent's children, for each of thousands of them."""

    def run(self, tree, ancestors=None):
        handle = self._InlineProcessor__handleInline
        placeholders = self._InlineProcessor__processPlaceholders
        self.stashed_nodes = {}
        tree_parents = [] if ancestors is None else ancestors[:]
        self.parent_map = {c: p for p in tree.iter() for c in p}
        stack = [(tree, tree_parents)]
        self._InlineProcessor__build_ancestors(tree, tree_parents)
        while stack:
            current, parents = stack.pop(0)
            self.ancestors = parents
            if current is not tree:
                self.ancestors.append(current.tag.lower())
            insert_queue = []
            # By index, as iterating over an element does: children inserted after the
            # current one are visited next.
            index = 0
            while index < len(current):
                child = current[index]
                if child.text and not isinstance(child.text, util.AtomicString):
                    self.ancestors.append(child.tag.lower())
                    text = child.text
                    child.text = None
                    lst = placeholders(handle(text), child)
                    for item in lst:
                        self.parent_map[item[0]] = child
                    stack += lst
                    insert_queue.append((child, lst))
                    self.ancestors.pop()
                if child.tail:
                    tail = handle(child.tail)
                    dumby = etree.Element("d")
                    child.tail = None
                    tail_result = placeholders(tail, dumby, False)
                    if dumby.tail:
                        child.tail = dumby.tail
                    tail_result.reverse()
                    for new_child in tail_result:
                        self.parent_map[new_child[0]] = current
                        current.insert(index + 1, new_child[0])
                if len(child):
                    self.parent_map[child] = current
                    stack.append((child, self.ancestors[:]))
                index += 1
            for element, lst in insert_queue:
                for i, obj in enumerate(lst):
                    element.insert(i, obj[0])
        return tree


class _Bounded(markdown.Extension):
    """Python-Markdown's link and image patterns, HTML reader, headings, tables and inline
    processors, under their own names and priorities, without the searches that ran to the
    end of the text from every bracket, tag, heading or inline element."""

    LINK_PATTERNS = (
        (_Reference, inlinepatterns.REFERENCE_RE, "reference", 170),
        (_Link, inlinepatterns.LINK_RE, "link", 160),
        (_Image, inlinepatterns.IMAGE_LINK_RE, "image_link", 150),
        (_ImageReference, inlinepatterns.IMAGE_REFERENCE_RE, "image_reference", 140),
        (_ShortReference, inlinepatterns.REFERENCE_RE, "short_reference", 130),
        (_ShortImageReference, inlinepatterns.IMAGE_REFERENCE_RE, "short_image_ref", 125),
    )

    def extendMarkdown(self, md):
        for processor, pattern, name, priority in self.LINK_PATTERNS:
            md.inlinePatterns.register(processor(pattern, md), name, priority)
        md.preprocessors.register(_HtmlBlockPreprocessor(md), "html_block", 20)
        md.parser.blockprocessors.register(_HashHeaderProcessor(md.parser), "hashheader", 70)
        md.parser.blockprocessors.register(_SetextHeaderProcessor(md.parser), "setextheader", 60)
        table = md.parser.blockprocessors["table"]
        md.parser.blockprocessors.register(_TableProcessor(md.parser, table.config), "table", 75)
        md.treeprocessors.register(_InlineProcessor(md), "inline", 20)
        smarty = _InlineProcessor(md)
        smarty.inlinePatterns = md.treeprocessors["smarty"].inlinePatterns
        # Smart quotes before the output is made pretty, not after (6): the line breaks
        # prettify puts after every block need no inline Markdown.
        md.treeprocessors.register(smarty, "smarty", 15)


_converters = threading.local()


def _converter():
    # Building a converter loads every extension, a third of a short entry's rendering
    # time; one per thread is reset and reused, as converters are not thread-safe.
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown.Markdown(
            extensions=[*EXTENSIONS, _Bounded()],
            extension_configs=EXTENSION_CONFIGS,
            output_format="html",
        )
    return converter


def render_markdown(text):
    """Markdown source to sanitised HTML, safe to show to anyone."""
    if not text:
        return ""
    try:
        html = _converter().reset().convert(text)
    except RecursionError:
        # Lists or quotes nested thousands deep, which no real text is: shown as written.
        _converters.markdown = None  # left halfway through a conversion
        html = "<p>" + escape(text) + "</p>"
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


# What a card quotes of an entry, as stored in Entry.excerpt (a 300-character column).
EXCERPT_LENGTH = 280
_BLOCKS = {
    "blockquote", "br", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre",
    "table", "td", "th", "tr", "ul",
}  # fmt: skip
# A block that ends a sentence needs no mark before the next one; a heading, a list item
# or a table cell does, or it runs into the next as if one sentence.
_SENTENCE_END = (".", "!", "?", ":", ";", "…")
_BLOCK_MARK = " · "
_CHUNK = 4096
# What a cut should not leave dangling before its ellipsis.
_DANGLING = " \t\n·,;:.-–—"


class _PlainText(HTMLParser):
    """The text of sanitised HTML, block by block, without code blocks."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []
        self.words = []
        self.in_code_block = 0
        self.length = 0

    def _end_block(self):
        if block := " ".join("".join(self.words).split()):
            self.blocks.append(block)
            self.length += len(block)
        self.words = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self._end_block()
        if tag == "pre":
            self.in_code_block += 1

    def handle_endtag(self, tag):
        if tag == "pre":
            self.in_code_block -= 1
        if tag in _BLOCKS:
            self._end_block()

    def handle_data(self, data):
        if not self.in_code_block:
            self.words.append(data)

    def close(self):
        super().close()
        self._end_block()


def plain_excerpt(html, length=EXCERPT_LENGTH):
    """Readable plain text of ``html`` (render_markdown's output) in at most ``length``
    characters: what an entry card quotes.

    Code blocks are left out (code read as a sentence is noise); paragraphs, headings, list
    items and table cells are kept apart, by a space after a sentence and " · " otherwise;
    entities are decoded. Longer text is cut after its last whole word that fits, and ends
    with "…"; only a first word longer than ``length`` is cut inside.
    """
    parser = _PlainText()
    # A card quotes the start of a text: the rest of a long one is not read.
    for start in range(0, len(html), _CHUNK):
        parser.feed(html[start : start + _CHUNK])
        if parser.length > length:
            break
    else:
        parser.close()
    text = ""
    for block in parser.blocks:
        if text:
            text += " " if text.endswith(_SENTENCE_END) else _BLOCK_MARK
        text += block
    if len(text) <= length:
        return text
    kept = text[: length - 1]
    if not text[length - 1].isspace():
        # Back to the last space, unless that leaves nothing: one word longer than a card.
        kept = kept.rpartition(" ")[0] or kept
    return kept.rstrip(_DANGLING) + "…"
