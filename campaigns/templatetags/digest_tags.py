"""`{% rendered_once key ... %}`: a digest line reads the same in every email of a batch that shows it.

A digest batch renders many emails that share lines (staff and admins read the same desk; organizers
share campaigns). The block's output is kept in the `rendered_lines` dict the sender puts in the
context, under the block, its keys, the language and the time zone; without that dict it just renders.
"""

from django import template
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

register = template.Library()


class RenderedOnceNode(template.Node):
    def __init__(self, keys, nodelist):
        self.keys = keys
        self.nodelist = nodelist

    def render(self, context):
        cache = context.get("rendered_lines")
        if cache is None:
            return self.nodelist.render(context)
        key = (
            self,
            *(k.resolve(context) for k in self.keys),
            translation.get_language(),
            timezone.get_current_timezone_name(),
        )
        if key not in cache:
            cache[key] = mark_safe(self.nodelist.render(context))
        return cache[key]


@register.tag
def rendered_once(parser, token):
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("rendered_once needs at least one key")
    nodelist = parser.parse(("endrendered_once",))
    parser.delete_first_token()
    return RenderedOnceNode([parser.compile_filter(bit) for bit in bits], nodelist)
