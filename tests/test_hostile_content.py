"""Hostile Markdown and HTML in every place a person's text is shown, parsed as a browser
parses it: no script, no event handler, no dangerous link, no frame, form or style.

The payloads (tests/hostile_inputs.py) are written once for the module through the real
services; every page is then fetched with the test client and parsed with html5lib, the
parser that follows the HTML standard, so mutation tricks are seen as a browser sees them.
"""

import math
import re
import xml.etree.ElementTree as ET

import html5lib
import pytest
from django.db import transaction
from django.urls import reverse

from journal import search
from journal.models import Entry
from tests.hostile_inputs import PAYLOADS, SHARED_WORD, build_hostile_world, marker

PAGE_SIZE = 20  # of the feed, search and notifications; /people/ shows 24
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
    "ping", "cite", "longdesc", "lowsrc", "dynsrc", "codebase", "to", "values", "from",
}  # fmt: skip
# Nothing on Momentum uses these, so any of them came from someone's text.
FORBIDDEN_ELEMENTS = {
    "iframe", "frame", "frameset", "object", "embed", "applet", "base", "style", "portal",
}  # fmt: skip
FORM_CONTROLS = {"form", "input", "button", "textarea", "select", "isindex", "keygen"}
# Whitespace and control characters, which URL parsers (browsers or feed readers) may skip.
IGNORABLE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")
AUTHOR = re.compile(r"/@hostile(\d+)/")
XLINK = "{http://www.w3.org/1999/xlink}"
ATOM = "{http://www.w3.org/2005/Atom}"


# The checker.


def local_name(name):
    if name.startswith(XLINK):
        return "xlink:" + name[len(XLINK) :]
    return name.rsplit("}", 1)[-1].lower()


def is_dangerous_url(value):
    """Whether a URL, as the parser decoded it, is javascript:, vbscript: or data: once
    whitespace and control characters are gone."""
    squeezed = IGNORABLE.sub("", value).lower()
    return squeezed.startswith(DANGEROUS_SCHEMES)


def classes(element):
    return (element.get("class") or "").split()


def describe(element):
    attributes = " ".join(f'{local_name(k)}="{v}"' for k, v in element.attrib.items())
    return f"<{local_name(element.tag)} {attributes}>"[:160]


def html_problems(markup, *, fragment=False):
    """What in ``markup`` could run script, leave the site or restyle it, as a list of
    readable findings (empty when safe).

    ``fragment``: all of ``markup`` is someone's text (the preview, an Atom content),
    so no form control at all may appear; in a page, only inside a ``.prose`` block,
    where the sanitised HTML goes.
    """
    parse = html5lib.parseFragment if fragment else html5lib.parse
    root = parse(markup, treebuilder="etree", namespaceHTMLElements=False)
    parents = {child: parent for parent in root.iter() for child in parent}
    # The site's own forms by id, which its buttons elsewhere on the page may submit.
    site_forms = {
        element.get("id")
        for element in root.iter()
        if isinstance(element.tag, str)
        and local_name(element.tag) == "form"
        and element.get("id")
        and _is_site_form(element)
    }
    problems = []

    def flag(element, why):
        problems.append((element, why))

    def walk(element, in_prose, in_head):
        if not isinstance(element.tag, str):  # a comment
            return
        tag = local_name(element.tag)
        in_prose = in_prose or "prose" in classes(element)
        in_head = in_head or tag == "head"
        for name, value in element.attrib.items():
            name = local_name(name)
            if name.startswith("on"):
                flag(element, f"event handler {name}")
            elif name == "style":
                flag(element, "style attribute")
            elif name == "srcdoc":
                flag(element, "srcdoc attribute")
            elif name == "formaction" or (
                name == "form" and (in_prose or tag != "button" or value not in site_forms)
            ):
                flag(element, f"{name} attribute")
            elif name in URL_ATTRIBUTES and is_dangerous_url(value):
                flag(element, f"dangerous {name}")
            elif name == "srcset" and any(is_dangerous_url(c) for c in value.split(",")):
                flag(element, "dangerous srcset")
        if tag == "script":
            src = element.get("src", "")
            own = src.startswith("/static/") and ".." not in src and not (element.text or "")
            if in_prose or not own:
                flag(element, "script")
        elif tag in FORBIDDEN_ELEMENTS:
            flag(element, tag)
        elif tag == "meta" and (element.get("http-equiv") is not None or in_prose):
            flag(element, "meta")
        elif tag == "link" and (in_prose or not in_head):
            flag(element, "link outside the head")
        elif tag in FORM_CONTROLS and in_prose:
            flag(element, f"{tag} in someone's text")
        elif tag == "form" and not _is_site_form(element):
            flag(element, "form that is not the site's")
        elif "excerpt" in classes(element):
            # Excerpts and search snippets are text; only the highlight is markup.
            for child in element.iter():
                if child is not element and local_name(child.tag) != "mark":
                    flag(child, "markup in an excerpt")
        for child in element:
            walk(child, in_prose, in_head)

    walk(root, fragment, False)
    return [(why, describe(element), _author_of(element, parents)) for element, why in problems]


def _is_site_form(form):
    """Momentum's own forms post with a CSRF token, or are its search boxes, and go to
    one of its own paths."""
    action = form.get("action")
    if action is not None and not (action.startswith("/") and not action.startswith("//")):
        return False
    if (form.get("method") or "get").lower() == "post":
        return any(
            local_name(child.tag) == "input" and child.get("name") == "csrfmiddlewaretoken"
            for child in form.iter()
            if isinstance(child.tag, str)
        )
    return form.get("role") == "search" and action == reverse("journal:search")


def _author_of(element, parents):
    """Which payload a finding belongs to on a page showing many: the hostile author the
    nearest enclosing card links to."""
    while element is not None:
        for link in element.iter():
            if isinstance(link.tag, str) and (found := AUTHOR.search(link.get("href", ""))):
                return PAYLOADS[int(found.group(1))].id
        element = parents.get(element)
        if element is not None and local_name(element.tag) in ("main", "body"):
            break
    return None


def atom_problems(xml):
    """The same checks for an Atom feed: every link, and the HTML of every text construct
    declared as HTML. A type="text" construct is shown as text by readers (RFC 4287,
    3.1.1.1), whatever it holds."""
    root = ET.fromstring(xml)
    problems = []
    for element in root.iter():
        for name, value in element.attrib.items():
            if local_name(name) in ("href", "src") and is_dangerous_url(value):
                problems.append((f"dangerous {name} in the feed", value[:80], None))
        if local_name(element.tag) not in ("title", "subtitle", "summary", "content", "rights"):
            continue
        kind = element.get("type", "text")
        if kind == "html":
            problems += html_problems(element.text or "", fragment=True)
        elif kind != "text":
            problems.append((f"{local_name(element.tag)} of type {kind}", "", None))
    return problems


def assert_safe(problems, page):
    assert not problems, f"{page}:\n" + "\n".join(
        f"  {why} from {author or 'the page'}: {where}" for why, where, author in problems
    )


# The checker catches what it must (so that a pass means something).

UNSAFE = [
    "<script>alert(1)</script>",
    '<script src="https://evil.example/x.js"></script>',
    '<script src="/static/../media/x.js"></script>',
    "<img src=x onerror=alert(1)>",
    '<a href=" jav&#x61;script:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="&#1;JaVaScRiPt:alert(1)">x</a>',
    '<a href="vbscript:x">x</a>',
    '<img src="data:image/png;base64,AAAA">',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<svg onload="alert(1)"></svg>',
    '<iframe srcdoc="x"></iframe>',
    "<object></object>",
    "<embed>",
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0">',
    "<style>body{}</style>",
    '<p style="color:red">x</p>',
    '<form action="https://evil.example/"><input name="q"></form>',
    '<form method="post"><button>x</button></form>',
    '<button form="x">x</button>',
    '<form id="f" action="https://evil.example/"></form><button form="f">x</button>',
    '<a href="#" formaction="/x">x</a>',
    '<img srcset="https://a.example/a.png 1x, javascript:alert(1) 2x">',
]


@pytest.mark.parametrize("markup", UNSAFE)
def test_the_checker_flags_unsafe_markup(markup):
    assert html_problems(f"<main>{markup}</main>")
    assert html_problems(markup, fragment=True)


def test_the_checker_passes_the_sites_own_markup():
    page = (
        '<html><head><link rel="stylesheet" href="/static/css/site.css">'
        '<script src="/static/js/site.js" defer></script></head><body>'
        '<form method="post" action="/accounts/logout/">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="t"></form>'
        '<form id="cheer-form" method="post" action="/cheers/">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="t"></form>'
        '<button form="cheer-form" name="entry" value="1">Cheer</button>'
        f'<form role="search" method="get" action="{reverse("journal:search")}"></form>'
        '<div class="prose"><p><a href="https://example.org">ok</a> <a href="/x">ok</a>'
        '<img src="https://example.org/a.png" alt=""></p></div>'
        '<p class="excerpt">a <mark>b</mark></p></body></html>'
    )
    assert html_problems(page) == []


def test_form_controls_in_someones_text_are_flagged_even_inside_a_site_form():
    markup = '<form method="post" action="/x"><input name="csrfmiddlewaretoken">'
    assert html_problems(markup + '<div class="prose"><input></div></form>')
    assert html_problems('<p class="excerpt">x <b>y</b></p>')


def test_the_atom_checker_reads_html_constructs_and_trusts_text_ones():
    def feed(title_type, content):
        return (
            '<feed xmlns="http://www.w3.org/2005/Atom">'
            f'<title type="{title_type}">&lt;script&gt;x&lt;/script&gt;</title>'
            f'<entry><link href="/a/"/><content type="html">{content}</content></entry></feed>'
        )

    assert atom_problems(feed("text", "&lt;p&gt;ok&lt;/p&gt;")) == []
    assert atom_problems(feed("html", "&lt;p&gt;ok&lt;/p&gt;"))
    assert atom_problems(feed("text", "&lt;img src=x onerror=alert(1)&gt;"))
    assert atom_problems(feed("xhtml", ""))


def test_an_unsanitised_pipeline_would_be_caught(client, world, monkeypatch):
    """If nh3 stopped cleaning, these tests would fail on the very pages they fetch."""
    monkeypatch.setattr("journal.markdown.nh3.clean", lambda html, **options: html)
    entry = Entry.objects.get(pk=world["entries"][0].pk)
    entry.save()  # rendered again, now without sanitising
    response = get(client, entry.get_absolute_url())
    assert [why for why, _, _ in html_problems(response.text)].count("script") == 2


# The hostile world, written once for the module.


@pytest.fixture(scope="module")
def hostile(django_db_setup, django_db_blocker):
    """Every payload everywhere, in one transaction rolled back after the module, so that
    the other test modules never see it."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_hostile_world()
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def world(hostile, db):
    """The hostile world, for a test that may use the database (inside a savepoint)."""
    return hostile


def ids():
    return [payload.id for payload in PAYLOADS]


def get(client, url, data=None, *, page=None):
    response = client.get(url, data)
    assert response.status_code == 200, f"{page or url}: HTTP {response.status_code}"
    return response


# Pages about one payload: the payload and the page are in the test's name.


PER_PAYLOAD_PAGES = [
    "entry",
    "journey",
    "topic",
    "search",
    "search-query",
    "notifications",
    "edit",
    "settings",
    "preview",
]


@pytest.mark.parametrize("page", PER_PAYLOAD_PAGES)
@pytest.mark.parametrize("index", range(len(PAYLOADS)), ids=ids())
def test_pages_about_one_payload_are_safe(client, world, index, page):
    author = world["authors"][index]
    entry = world["entries"][index]
    payload = PAYLOADS[index]
    if page == "entry":
        # As another participant: the comment form and report links show too.
        client.force_login(world["reader"])
        response = get(client, entry.get_absolute_url())
        assert list(response.context["comments"]) == [world["comments"][index]]
    elif page == "journey":
        response = get(client, author.get_absolute_url())
        assert response.context["person"] == author
    elif page == "topic":
        response = get(client, world["topics"][index].get_absolute_url())
        assert list(response.context["page"]) == [entry]
    elif page == "search":
        response = get(client, reverse("journal:search") + f"?q={marker(index)}")
        assert [found.pk for found in response.context["page"]] == [entry.pk]
        if search.is_full_text():
            assert f"<mark>{marker(index)}</mark>" in response.text
    elif page == "search-query":
        # The query itself is echoed in the title, the heading and the search box.
        response = get(client, reverse("journal:search"), data={"q": payload.text})
    elif page == "notifications":
        client.force_login(author)
        response = get(client, reverse("journal:notifications"))
        kinds = {item.kind for item in response.context["page"]}
        assert kinds == {"cheer", "comment", "follow"}
    elif page == "edit":
        client.force_login(author)
        response = get(client, reverse("journal:entry_edit", args=[entry.pk]))
        assert response.context["form"]["body"].value() == entry.body
    elif page == "settings":
        client.force_login(author)
        response = get(client, reverse("journal:settings"))
        assert response.context["form"]["bio"].value() == payload.text[:1000]
    else:
        client.force_login(author)
        response = client.post(reverse("journal:markdown_preview"), {"content": payload.text})
        assert response.status_code == 200
        assert_safe(html_problems(response.text, fragment=True), f"preview of {payload.id}")
        return
    assert_safe(html_problems(response.text), f"{page} of {payload.id}")


@pytest.mark.parametrize("feed", ["person", "topic"])
@pytest.mark.parametrize("index", range(len(PAYLOADS)), ids=ids())
def test_atom_feeds_about_one_payload_are_safe(client, world, index, feed):
    if feed == "person":
        url = reverse("journal:journey_atom", args=[world["authors"][index].username])
    else:
        url = reverse("journal:topic_atom", args=[world["topics"][index].slug])
    response = get(client, url)
    assert response.content.count(b"<entry>") == 1
    assert_safe(atom_problems(response.content), f"{feed} Atom feed of {PAYLOADS[index].id}")


# Pages showing many payloads at once: a finding names the payload it came from.


def _pages(count, size):
    return range(1, math.ceil(count / size) + 1)


def _numbered(page):
    # The first page's own address has no number (journal.pagination.numbered_page).
    return {"page": page} if page > 1 else {}


def list_pages():
    n = len(PAYLOADS)
    return (
        [(f"people-p{p}", "journal:people", _numbered(p), None) for p in _pages(n + 2, 24)]
        + [
            (f"search-p{p}", "journal:search", {"q": SHARED_WORD, **_numbered(p)}, None)
            for p in _pages(n, PAGE_SIZE)
        ]
        + [
            (f"reader-notifications-p{p}", "journal:notifications", {"page": p}, "reader")
            for p in _pages(n, PAGE_SIZE)
        ]
        + [
            ("landing", "journal:home", {}, None),
            ("topic-index", "journal:topics", {}, None),
            ("board-entry", None, {}, "reader"),
            ("moderation-queue", "journal:moderation", {}, "moderator"),
        ]
    )


@pytest.mark.parametrize(
    ("name", "url_name", "query", "viewer"),
    list_pages(),
    ids=[page[0] for page in list_pages()],
)
def test_pages_showing_many_payloads_are_safe(client, world, name, url_name, query, viewer):
    if viewer:
        client.force_login(world[viewer])
    url = world["board"].get_absolute_url() if url_name is None else reverse(url_name)
    response = client.get(url, query)
    assert response.status_code == 200, f"{name}: HTTP {response.status_code}"
    # People are sorted by streak, so the last page may hold only the moderator.
    shown = {"topic-index": r'href="/topics/t\d+-', "people": r"/@\w+/"}.get(
        name.split("-p")[0], AUTHOR
    )
    assert re.search(shown, response.text), f"{name} shows nobody's content"
    if name == "moderation-queue":
        assert len(response.context["groups"]) == 3 * len(PAYLOADS)
    assert_safe(html_problems(response.text), name)


def test_every_page_of_the_feed_is_safe(client, world):
    client.force_login(world["reader"])
    older, pages = {}, 0
    while True:
        response = client.get(reverse("journal:feed"), older)
        pages += 1
        assert response.status_code == 200
        assert re.search(AUTHOR, response.text), f"feed page {pages} shows nobody's content"
        assert_safe(html_problems(response.text), f"feed page {pages}")
        if not response.context["page"].has_next:
            break
        older = {"before": response.context["page"].next_cursor}
    # Every entry was on some page: the payloads' entries and the board entry.
    assert pages == len(_pages(len(PAYLOADS) + 1, PAGE_SIZE))


def test_the_sites_atom_feed_is_safe(client, world):
    response = get(client, reverse("journal:atom"))
    assert response.content.count(b"<entry>") == 30
    assert_safe(atom_problems(response.content), "site Atom feed")
