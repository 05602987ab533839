"""{% campaign_assignments campaign %}: the campaign page's list of resources assigned to it."""

from django import template

from core.roles import is_staff_member
from resources.selectors import assignments_for_campaign

register = template.Library()


@register.inclusion_tag("resources/_campaign_assignments.html", takes_context=True)
def campaign_assignments(context, campaign):
    user = context["request"].user
    assignments = assignments_for_campaign(campaign, user)
    return {
        "campaign": campaign,
        "assignments": assignments,
        "new_count": sum(1 for assignment in assignments if assignment.is_new),
        "can_assign": is_staff_member(user),
        "request": context["request"],
    }
