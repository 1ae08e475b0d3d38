"""The marks journal/caching reads back, written only here: templates never type them.

``{% reader_part "cheer" entry.pk entry.author_id %}button{% endreader_part %}`` marks a
part that is filled for each reader (journal/caching/reader.py); a follow part holds both
forms, ``{% otherwise %}`` between them. ``{% card_end %}`` ends each entry card of a
rendering that journal/caching/cards.py splits into cards.
"""

from django import template
from django.utils.safestring import mark_safe

from journal.caching import cards, reader

register = template.Library()


@register.tag
def reader_part(parser, token):
    kind, *arguments = token.split_contents()[1:]
    kind = kind.strip("\"'")
    if kind.encode() not in reader.FIGURES:
        raise template.TemplateSyntaxError(f"No reader part called {kind!r}")
    body = parser.parse(("otherwise", "endreader_part"))
    otherwise = None
    if parser.next_token().contents == "otherwise":
        otherwise = parser.parse(("endreader_part",))
        parser.delete_first_token()
    return ReaderPartNode(kind, [parser.compile_filter(a) for a in arguments], body, otherwise)


class ReaderPartNode(template.Node):
    def __init__(self, kind, arguments, body, otherwise):
        self.kind, self.arguments, self.body, self.otherwise = kind, arguments, body, otherwise

    def render(self, context):
        arguments = [argument.resolve(context) for argument in self.arguments]
        html = reader.part_start(self.kind, *arguments) + self.body.render(context)
        if self.otherwise is not None:
            html += reader.OTHERWISE.decode() + self.otherwise.render(context)
        return mark_safe(html + reader.PART_END.decode())


@register.simple_tag
def card_end():
    return mark_safe(cards.CARD_END)
