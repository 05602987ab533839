"""{% campaign_assignments campaign [assignments] %}: the campaign page's list of resources assigned to it.

A page that has read `assignments_for_campaign(campaign, user)` already passes the list; else it is read here.
"""

from django import template

from core.roles import is_staff_member
from resources.selectors import assignments_for_campaign

register = template.Library()


@register.inclusion_tag("resources/_campaign_assignments.html", takes_context=True)
def campaign_assignments(context, campaign, assignments=None):
    user = context["request"].user
    if assignments is None:
        assignments = assignments_for_campaign(campaign, user)
    return {
        "campaign": campaign,
        "assignments": assignments,
        "new_count": sum(1 for assignment in assignments if assignment.is_new),
        "can_assign": is_staff_member(user),
        "request": context["request"],
    }
