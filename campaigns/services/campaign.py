"""Campaigns, their stages, team and targets."""

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization
from accounts.organizations import default_organization, home_organization
from core.history import keep_history_of_update
from jurisdictions.models import Agency, Jurisdiction, Official
from jurisdictions.services import policy_record_create

from ..models import (
    OUTCOME_STAGES,
    VOTING_AGENCY_KINDS,
    Campaign,
    CampaignShare,
    Meeting,
    Membership,
    Stage,
    StageChange,
    Stance,
    StanceChange,
    Target,
)
from .common import _agency_belongs, _full_clean, campaign_touch

# --- campaigns -----------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    user: User | None,
    name: str,
    jurisdiction: Jurisdiction,
    goal: str,
    goal_detail: str = "",
    lead: User | None = None,
    summary: str = "",
    started_on: date | None = None,
    board_seats: int | None = None,
    organizers: Iterable[User] = (),
    organization: Organization | None = None,
) -> Campaign:
    """A new campaign of `organization`: by default the creator's own (accounts.organizations.home_organization)."""
    if organization is None:
        organization = home_organization(user) if user is not None else default_organization()
    campaign = Campaign(
        organization=organization,
        name=name,
        jurisdiction=jurisdiction,
        goal=goal,
        goal_detail=goal_detail,
        lead=lead,
        summary=summary,
        started_on=started_on or timezone.localdate(),
        board_seats=board_seats,
        created_by=user,
    )
    _full_clean(campaign)
    campaign.save()
    StageChange.objects.create(campaign=campaign, from_stage="", to_stage=campaign.stage, changed_by=user)
    if lead is not None:
        Membership.objects.create(campaign=campaign, user=lead, role=Membership.Role.LEAD, added_by=user)
    for organizer in organizers:
        if lead is None or organizer.pk != lead.pk:
            Membership.objects.get_or_create(campaign=campaign, user=organizer, defaults={"added_by": user})
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, user: User, **fields: Any) -> Campaign:
    """Change a campaign's details (not its stage: see campaign_change_stage)."""
    allowed = {"name", "goal", "goal_detail", "lead", "summary", "started_on", "ended_on", "board_seats"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"campaign_update() cannot change {', '.join(sorted(unknown))}")
    old_lead_id = campaign.lead_id
    for name, value in fields.items():
        setattr(campaign, name, value)
    _full_clean(campaign)
    campaign.save()
    if "lead" in fields and campaign.lead_id != old_lead_id:
        if old_lead_id is not None:
            former = Membership.objects.filter(campaign=campaign, user_id=old_lead_id, role=Membership.Role.LEAD)
            former_ids = list(former.values_list("pk", flat=True))
            former.update(role=Membership.Role.ORGANIZER)
            keep_history_of_update(Membership, pks=former_ids, user=user)
        if campaign.lead_id is not None:
            Membership.objects.update_or_create(
                campaign=campaign, user_id=campaign.lead_id, defaults={"role": Membership.Role.LEAD, "added_by": user}
            )
    campaign_touch(campaign=campaign)
    return campaign


@transaction.atomic
def campaign_change_stage(
    *,
    campaign: Campaign,
    user: User,
    stage: str,
    note: str = "",
    outcome: str | None = "",
    policy_record: Mapping[str, Any] | None = None,
) -> StageChange:
    """Move a campaign to another stage, recording who, when and why.

    Won and lost need the outcome. `policy_record` (a dict of dimension, value, effective_date and
    optionally source_url and note_public) adds the resulting policy to the jurisdiction in the same
    transaction. Its note quotes the campaign and is internal unless `note_public` says otherwise.
    """
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Choose a stage from the list.")})
    if stage == campaign.stage:
        raise ValidationError({"stage": _("The campaign is already at this stage.")})
    outcome = (outcome or "").strip()
    if stage in OUTCOME_STAGES and not outcome:
        raise ValidationError({"outcome": _("Say what the outcome was: a win or a loss needs it.")})
    change = StageChange.objects.create(
        campaign=campaign,
        from_stage=campaign.stage,
        to_stage=stage,
        changed_by=user,
        note=note,
        outcome=outcome if stage in OUTCOME_STAGES else "",
    )
    campaign.stage = stage
    if stage in OUTCOME_STAGES:
        campaign.outcome = outcome
        campaign.ended_on = campaign.ended_on or max(timezone.localdate(), campaign.started_on)
    elif stage != Stage.MONITORING:
        campaign.ended_on = None
    _full_clean(campaign)
    campaign.save()
    if policy_record:
        policy_record_create(
            jurisdiction=campaign.jurisdiction,
            dimension=policy_record["dimension"],
            value=policy_record["value"],
            effective_date=policy_record["effective_date"],
            source_url=policy_record.get("source_url", ""),
            note=_("Outcome of the campaign “%(name)s”: %(outcome)s") % {"name": campaign.name, "outcome": outcome},
            note_internal=not policy_record.get("note_public", False),
            organization=campaign.organization,
            user=user,
        )
    campaign_touch(campaign=campaign, when=change.changed_at)
    return change


# --- sharing with partner organizations -----------------------------------------------------------


@transaction.atomic
def campaign_share(*, campaign: Campaign, user: User, organization: Organization, level: str) -> CampaignShare:
    """Share the campaign with a partner organization (or change how): its staff see it; to collaborate,
    they also change it and add their people to the team. Confidential notes are never shared."""
    if organization.pk == campaign.organization_id:
        raise ValidationError({"organization": _("The campaign already belongs to this organization.")})
    if level not in CampaignShare.Level.values:
        raise ValidationError({"level": _("Choose read only or collaborate.")})
    share, created = CampaignShare.objects.get_or_create(
        campaign=campaign, organization=organization, defaults={"level": level, "shared_by": user}
    )
    if not created and share.level != level:
        share.level = level
        share.save(update_fields=["level"])
    campaign_touch(campaign=campaign)
    return share


@transaction.atomic
def campaign_unshare(*, campaign: Campaign, user: User, organization: Organization) -> None:
    """Stop sharing with the partner. Its people still on the team stay there until taken off."""
    CampaignShare.objects.filter(campaign=campaign, organization=organization).delete()
    campaign_touch(campaign=campaign)


# --- team ----------------------------------------------------------------------------------------


@transaction.atomic
def membership_add(
    *, campaign: Campaign, user: User | None, member: User, role: str = Membership.Role.ORGANIZER
) -> Membership:
    membership, created = Membership.objects.get_or_create(
        campaign=campaign, user=member, defaults={"role": role, "added_by": user}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, campaign: Campaign, user: User, member: User) -> None:
    if campaign.lead_id == member.pk:
        raise ValidationError(_("Choose another lead before taking the lead off the team."))
    Membership.objects.filter(campaign=campaign, user=member).delete()


def team_user_ids(campaign: Campaign) -> set[int]:
    return set(Membership.objects.filter(campaign=campaign).values_list("user_id", flat=True))


# --- targets -------------------------------------------------------------------------------------


@transaction.atomic
def target_add(
    *,
    campaign: Campaign,
    user: User | None,
    official: Official | None = None,
    agency: Agency | None = None,
    name: str = "",
    title: str = "",
    votes: bool | None = None,
    stance: str = Stance.UNKNOWN,
) -> Target:
    """Add an official, or a body (an agency as a whole), as a target of the campaign."""
    if official is not None:
        agency = official.agency
        name = name or official.name
        title = title or (f"{official.display_title}, {agency.name}" if agency else official.display_title)
    elif agency is not None:
        name = name or agency.name
        title = title or agency.get_kind_display()
    else:
        raise ValidationError(_("Choose an official or a body."))
    if not _agency_belongs(campaign, agency):
        raise ValidationError(_("That agency is not part of this campaign's jurisdiction."))
    if votes is None:
        votes = official is not None and agency.kind in VOTING_AGENCY_KINDS
    target = Target(
        campaign=campaign,
        official=official,
        agency=agency,
        name=name,
        title=title,
        votes=votes,
        stance=stance,
        stance_changed_at=timezone.now() if stance != Stance.UNKNOWN else None,
    )
    _full_clean(target)
    duplicate = Target.objects.filter(campaign=campaign)
    duplicate = duplicate.filter(official=official) if official else duplicate.filter(official=None, agency=agency)
    if duplicate.exists():
        raise ValidationError(_("%(name)s is already a target of this campaign.") % {"name": name})
    target.save()
    if stance != Stance.UNKNOWN:
        StanceChange.objects.create(target=target, from_stance=Stance.UNKNOWN, to_stance=stance, changed_by=user)
    campaign_touch(campaign=campaign)
    return target


@transaction.atomic
def target_set_stance(
    *,
    target: Target,
    user: User | None,
    stance: str,
    meeting: Meeting | None = None,
    note: str = "",
    when: datetime | None = None,
) -> StanceChange | None:
    """Change the campaign's read of a target; the history keeps every change. No change, no record."""
    if stance not in Stance.values:
        raise ValidationError({"stance": _("Choose a stance from the list.")})
    target = Target.objects.select_for_update().get(pk=target.pk)
    if target.stance == stance:
        return None
    when = when or timezone.now()
    change = StanceChange.objects.create(
        target=target,
        from_stance=target.stance,
        to_stance=stance,
        changed_by=user,
        meeting=meeting,
        note=note,
        changed_at=when,
    )
    Target.objects.filter(pk=target.pk).update(stance=stance, stance_changed_at=when)
    keep_history_of_update(Target, pks=[target.pk], user=user)
    campaign_touch(campaign=target.campaign)
    return change
