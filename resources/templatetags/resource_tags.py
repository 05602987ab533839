"""{% campaign_assignments campaign [assignments] %}: the campaign page's list of resources assigned to it.

A page that has read `assignments_for_campaign(campaign, user)` already passes the list; else it is read here.
"""

from django import template

from core.fragments import cached_fragment
from core.roles import is_staff_member
from resources.selectors import assignments_for_campaign

register = template.Library()


PANEL = "resources/_campaign_assignments.html"


def _panel_context(request, campaign, assignments):
    if assignments is None:
        assignments = assignments_for_campaign(campaign, request.user)
    return {
        "campaign": campaign,
        "assignments": assignments,
        "new_count": sum(1 for assignment in assignments if assignment.is_new),
        "can_assign": is_staff_member(request.user),
        "request": request,
    }


@register.inclusion_tag(PANEL, takes_context=True)
def campaign_assignments(context, campaign, assignments=None):
    return _panel_context(context["request"], campaign, assignments)


def assignments_panel(request, campaign, assignments):
    """The list as HTML from the cache (core.fragments), for a view that places it itself: the campaign page.

    What is new differs from reader to reader: each reader has a copy of their own, which opening one of
    the campaign's resources renews (core.signals: AssignmentOpen). `assignments()` reads the list when
    it is not cached.
    """
    return cached_fragment(
        request,
        PANEL,
        # The path: the withdraw links come back to it.
        vary=(campaign.pk, request.user.pk, request.get_full_path()),
        kinds=(f"campaign:{campaign.pk}", "resources", "people"),
        context=lambda: _panel_context(request, campaign, assignments()),
    )
