"""The REST API of campaigns and their parts. Same access helper and same services as the web pages:

every endpoint under /api/campaigns/<id>/ starts with campaigns.access.campaign_for_user (404 for a
campaign that is not the user's, 403 for what they may see but not do), and every write is a call
to campaigns.services. Lists are paged and read a fixed number of queries whatever their length.
"""

from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from campaigns import selectors, services
from campaigns.access import campaign_for_user, campaigns_visible_to, can_manage_campaigns
from campaigns.filters import DEFAULT_SORT, SORTS, CampaignFilter
from campaigns.models import (
    Answer,
    Campaign,
    Deadline,
    Letter,
    Meeting,
    Membership,
    RecordsRequest,
    StanceChange,
    Target,
)

from . import serializers as s
from .filters import DeadlineFilter


def _sort_param(keys, default):
    return OpenApiParameter(
        "sort",
        OpenApiTypes.STR,
        enum=sorted(keys),
        description=f"Order of the list (default `{default}`); a leading `-` reverses it.",
    )


def sort_from(request, keys, default):
    sort = request.query_params.get("sort") or default
    if sort not in keys:
        raise ValidationError({"sort": [f"Choose one of: {', '.join(sorted(keys))}."]})
    return sort


class ApiView(generics.GenericAPIView):
    """A paged list or an object, with the campaign of the URL looked up through the access helper."""

    # The campaign endpoints document their own bodies; this only keeps the schema generator quiet.
    serializer_class = s.CampaignSerializer

    def campaign(self, *, change=False, manage=False, queryset=None):
        return campaign_for_user(self.request.user, self.kwargs["pk"], change=change, manage=manage, queryset=queryset)

    def paged(self, queryset, serializer_class, **context):
        page = self.paginate_queryset(queryset)
        data = serializer_class(page, many=True, context={**self.get_serializer_context(), **context}).data
        return self.get_paginated_response(data)

    def render(self, serializer_class, obj, *, code=status.HTTP_200_OK, **context):
        return Response(serializer_class(obj, context={**self.get_serializer_context(), **context}).data, status=code)

    def validated(self, serializer_class, *, partial=False, **context):
        serializer = serializer_class(
            data=self.request.data, partial=partial, context={**self.get_serializer_context(), **context}
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


# --- campaigns -----------------------------------------------------------------------------------


def campaign_detail_queryset():
    return selectors.campaign_list(base=selectors.campaign_detail_queryset())


class CampaignList(ApiView):
    filter_backends = [DjangoFilterBackend]
    filterset_class = CampaignFilter

    def get_queryset(self):
        return campaigns_visible_to(self.request.user)

    @extend_schema(
        summary="Campaigns you may see",
        description="Organizers: the campaigns they are on. Staff and admins: all. Filters as on /campaigns/.",
        parameters=[_sort_param(SORTS, DEFAULT_SORT)],
        responses=s.CampaignSerializer(many=True),
    )
    def get(self, request):
        sort = sort_from(request, SORTS, DEFAULT_SORT)
        campaigns = selectors.campaign_list(base=self.filter_queryset(self.get_queryset())).order_by(*SORTS[sort])
        return Response(self.paged(campaigns, s.CampaignSerializer).data)

    @extend_schema(
        summary="Create a campaign (staff)",
        request=s.CampaignCreateSerializer,
        responses={201: s.CampaignDetailSerializer},
    )
    def post(self, request):
        if not can_manage_campaigns(request.user):
            raise PermissionDenied("Only staff create campaigns.")
        data = self.validated(s.CampaignCreateSerializer)
        campaign = services.campaign_create(user=request.user, **data)
        campaign = campaign_for_user(request.user, campaign.pk, queryset=campaign_detail_queryset())
        return self.render(s.CampaignDetailSerializer, campaign, code=status.HTTP_201_CREATED)


class CampaignDetail(ApiView):
    @extend_schema(
        summary="A campaign with its team, stage history and whip count", responses=s.CampaignDetailSerializer
    )
    def get(self, request, pk):
        return self.render(s.CampaignDetailSerializer, self.campaign(queryset=campaign_detail_queryset()))

    @extend_schema(
        summary="Change a campaign's details (staff)",
        request=s.CampaignUpdateSerializer,
        responses=s.CampaignDetailSerializer,
    )
    def patch(self, request, pk):
        campaign = self.campaign(manage=True)
        data = self.validated(s.CampaignUpdateSerializer, partial=True, campaign=campaign)
        services.campaign_update(campaign=campaign, user=request.user, **data)
        return self.render(s.CampaignDetailSerializer, self.campaign(queryset=campaign_detail_queryset()))


class CampaignStage(ApiView):
    @extend_schema(
        summary="Move a campaign to another stage (staff)",
        description="Won and lost need the outcome, and may add the resulting policy record to the jurisdiction.",
        request=s.StageChangeInputSerializer,
        responses=s.CampaignDetailSerializer,
    )
    def post(self, request, pk):
        campaign = self.campaign(manage=True)
        data = self.validated(s.StageChangeInputSerializer, campaign=campaign)
        services.campaign_change_stage(campaign=campaign, user=request.user, **data)
        return self.render(s.CampaignDetailSerializer, self.campaign(queryset=campaign_detail_queryset()))


class TeamList(ApiView):
    @extend_schema(summary="A campaign's team", responses=s.MembershipSerializer(many=True))
    def get(self, request, pk):
        campaign = self.campaign()
        members = Membership.objects.filter(campaign=campaign).select_related("user").order_by("-role", "pk")
        return self.paged(members, s.MembershipSerializer)

    @extend_schema(
        summary="Put someone on the team, or change their role (staff)",
        request=s.MembershipInputSerializer,
        responses={201: s.MembershipSerializer},
    )
    def post(self, request, pk):
        campaign = self.campaign()
        if not campaign.user_can_add_team:
            raise PermissionDenied("Only the campaign's organization and its collaborating partners add to the team.")
        data = self.validated(s.MembershipInputSerializer, campaign=campaign)
        membership = services.membership_add(
            campaign=campaign, user=request.user, member=data["user"], role=data["role"]
        )
        return self.render(s.MembershipSerializer, membership, code=status.HTTP_201_CREATED)


class TeamMember(ApiView):
    @extend_schema(summary="Take someone off the team (staff)", responses={204: None})
    def delete(self, request, pk, member_pk):
        campaign = self.campaign(manage=True)
        membership = get_object_or_404(Membership.objects.select_related("user"), campaign=campaign, pk=member_pk)
        services.membership_remove(campaign=campaign, user=request.user, member=membership.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- targets -------------------------------------------------------------------------------------


class TargetList(ApiView):
    @extend_schema(summary="A campaign's targets", responses=s.TargetSerializer(many=True))
    def get(self, request, pk):
        campaign = self.campaign()
        return self.paged(Target.objects.filter(campaign=campaign).order_by("-votes", "name", "pk"), s.TargetSerializer)

    @extend_schema(
        summary="Add an official or a body as a target",
        request=s.TargetInputSerializer,
        responses={201: s.TargetDetailSerializer},
    )
    def post(self, request, pk):
        campaign = self.campaign(change=True, queryset=Campaign.objects.select_related("jurisdiction"))
        data = self.validated(s.TargetInputSerializer, campaign=campaign)
        target = services.target_add(campaign=campaign, user=request.user, **data)
        return self.render(s.TargetDetailSerializer, _target(campaign, target.pk), code=status.HTTP_201_CREATED)


def _target(campaign, target_pk):
    queryset = Target.objects.filter(campaign=campaign).prefetch_related(
        Prefetch("stance_changes", queryset=StanceChange.objects.select_related("changed_by").order_by("-changed_at"))
    )
    return get_object_or_404(queryset, pk=target_pk)


class TargetDetail(ApiView):
    @extend_schema(summary="A target with its stance history", responses=s.TargetDetailSerializer)
    def get(self, request, pk, target_pk):
        return self.render(s.TargetDetailSerializer, _target(self.campaign(), target_pk))


class TargetStance(ApiView):
    @extend_schema(
        summary="Change the campaign's read of a target",
        request=s.StanceInputSerializer,
        responses=s.TargetDetailSerializer,
    )
    def post(self, request, pk, target_pk):
        campaign = self.campaign(change=True)
        target = get_object_or_404(Target.objects.select_related("campaign"), campaign=campaign, pk=target_pk)
        data = self.validated(s.StanceInputSerializer)
        services.target_set_stance(target=target, user=request.user, **data)
        return self.render(s.TargetDetailSerializer, _target(campaign, target_pk))


# --- meetings ------------------------------------------------------------------------------------


def meetings_with_parts():
    return Meeting.objects.select_related("logged_by").prefetch_related(
        Prefetch("answers", queryset=Answer.objects.order_by("order", "pk")),
        Prefetch("targets", queryset=Target.objects.only("pk").order_by("pk")),
        Prefetch("follow_ups", queryset=Deadline.objects.only("pk", "meeting_id").order_by("pk")),
    )


class MeetingList(ApiView):
    @extend_schema(summary="A campaign's meetings, newest first", responses=s.MeetingSerializer(many=True))
    def get(self, request, pk):
        campaign = self.campaign()
        meetings = meetings_with_parts().filter(campaign=campaign).order_by("-held_at", "-pk")
        return self.paged(meetings, s.MeetingSerializer, campaign=campaign)

    @extend_schema(
        summary="Log a meeting (or save a draft)",
        description="As the meeting form: one answer per question of the set, follow-ups that become deadlines, "
        "stance updates. A draft keeps its follow-ups and stance updates aside until it is logged.",
        request=s.MeetingInputSerializer,
        responses={201: s.MeetingSerializer},
    )
    def post(self, request, pk):
        campaign = self.campaign(change=True)
        data = self.validated(s.MeetingInputSerializer, campaign=campaign)
        with transaction.atomic():
            meeting = services.meeting_log(campaign=campaign, user=request.user, **data)
        meeting = meetings_with_parts().get(pk=meeting.pk)
        return self.render(s.MeetingSerializer, meeting, code=status.HTTP_201_CREATED, campaign=campaign)


class MeetingDetail(ApiView):
    def meeting(self, campaign):
        return get_object_or_404(
            meetings_with_parts().select_related("question_set"), campaign=campaign, pk=self.kwargs["meeting_pk"]
        )

    @extend_schema(summary="A meeting with its answers", responses=s.MeetingSerializer)
    def get(self, request, pk, meeting_pk):
        campaign = self.campaign()
        return self.render(s.MeetingSerializer, self.meeting(campaign), campaign=campaign)

    @extend_schema(
        summary="Save a draft again, log it, or correct a logged meeting",
        description="The whole meeting, as when logging it. A logged meeting keeps its question set; its answers "
        "are corrected by answer id.",
        request=s.MeetingInputSerializer,
        responses=s.MeetingSerializer,
    )
    def put(self, request, pk, meeting_pk):
        campaign = self.campaign(change=True)
        meeting = self.meeting(campaign)
        data = self.validated(s.MeetingInputSerializer, campaign=campaign, meeting=meeting)
        with transaction.atomic():
            services.meeting_log(campaign=campaign, user=request.user, meeting=meeting, **data)
        return self.render(s.MeetingSerializer, self.meeting(campaign), campaign=campaign)

    @extend_schema(summary="Discard a draft", responses={204: None})
    def delete(self, request, pk, meeting_pk):
        campaign = self.campaign(change=True)
        services.meeting_delete_draft(meeting=self.meeting(campaign), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- records requests ----------------------------------------------------------------------------


def requests_with_parts():
    return RecordsRequest.objects.select_related("agency", "law")


class RecordsRequestList(ApiView):
    @extend_schema(summary="A campaign's public-records requests", responses=s.RecordsRequestSerializer(many=True))
    def get(self, request, pk):
        campaign = self.campaign()
        return self.paged(
            requests_with_parts().filter(campaign=campaign).order_by("-created_at", "-pk"), s.RecordsRequestSerializer
        )

    @extend_schema(
        summary="File records requests: one per agency",
        description="A sent request gets its legal due date from the state's records law, as a deadline.",
        request=s.RecordsRequestInputSerializer,
        responses={201: s.RecordsRequestBatchSerializer},
    )
    def post(self, request, pk):
        campaign = self.campaign(change=True, queryset=Campaign.objects.select_related("jurisdiction__state"))
        data = self.validated(s.RecordsRequestInputSerializer, campaign=campaign)
        created = services.records_request_create(campaign=campaign, user=request.user, **data)
        requests = list(requests_with_parts().filter(pk__in=[r.pk for r in created]).order_by("pk"))
        return self.render(
            s.RecordsRequestBatchSerializer, {"records_requests": requests}, code=status.HTTP_201_CREATED
        )


class RecordsRequestDetail(ApiView):
    @extend_schema(summary="A records request", responses=s.RecordsRequestSerializer)
    def get(self, request, pk, request_pk):
        campaign = self.campaign()
        return self.render(
            s.RecordsRequestSerializer, get_object_or_404(requests_with_parts(), campaign=campaign, pk=request_pk)
        )


class RecordsRequestStatus(ApiView):
    @extend_schema(
        summary="Change a request's status",
        description="Sending computes the due date; Extended moves it (to `extended_to`, or by the law's extension).",
        request=s.RecordsRequestStatusInputSerializer,
        responses=s.RecordsRequestSerializer,
    )
    def post(self, request, pk, request_pk):
        campaign = self.campaign(change=True)
        records_request = get_object_or_404(RecordsRequest, campaign=campaign, pk=request_pk)
        data = self.validated(s.RecordsRequestStatusInputSerializer)
        services.records_request_update(request=records_request, user=request.user, **data)
        return self.render(s.RecordsRequestSerializer, requests_with_parts().get(pk=request_pk))


# --- deadlines -----------------------------------------------------------------------------------


def deadlines_with_parts():
    return Deadline.objects.select_related("campaign", "owner").only(
        *[f.name for f in Deadline._meta.concrete_fields if f.name != "campaign"],
        "campaign__id",
        "campaign__name",
        "owner__id",
        "owner__username",
        "owner__first_name",
        "owner__last_name",
    )


class DeadlineList(ApiView):
    filter_backends = [DjangoFilterBackend]
    filterset_class = DeadlineFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no campaign
            return Deadline.objects.none()
        return deadlines_with_parts().filter(campaign=self.campaign()).order_by("due_date", "due_time", "pk")

    @extend_schema(summary="A campaign's deadlines, soonest first", responses=s.DeadlineSerializer(many=True))
    def get(self, request, pk):
        return self.paged(self.filter_queryset(self.get_queryset()), s.DeadlineSerializer)

    @extend_schema(summary="Add a deadline", request=s.DeadlineInputSerializer, responses={201: s.DeadlineSerializer})
    def post(self, request, pk):
        campaign = self.campaign(change=True)
        data = self.validated(s.DeadlineInputSerializer, campaign=campaign)
        deadline = services.deadline_create(campaign=campaign, user=request.user, **data)
        return self.render(
            s.DeadlineSerializer, deadlines_with_parts().get(pk=deadline.pk), code=status.HTTP_201_CREATED
        )


class DeadlineDetail(ApiView):
    @extend_schema(summary="A deadline", responses=s.DeadlineSerializer)
    def get(self, request, pk, deadline_pk):
        campaign = self.campaign()
        return self.render(
            s.DeadlineSerializer, get_object_or_404(deadlines_with_parts(), campaign=campaign, pk=deadline_pk)
        )

    @extend_schema(summary="Change a deadline", request=s.DeadlineInputSerializer, responses=s.DeadlineSerializer)
    def patch(self, request, pk, deadline_pk):
        campaign = self.campaign(change=True)
        deadline = get_object_or_404(Deadline.objects.select_related("campaign"), campaign=campaign, pk=deadline_pk)
        data = self.validated(s.DeadlineInputSerializer, partial=True, campaign=campaign, deadline=deadline)
        services.deadline_update(deadline=deadline, user=request.user, **data)
        return self.render(s.DeadlineSerializer, deadlines_with_parts().get(pk=deadline.pk))


DEADLINE_ACTIONS = {
    "done": services.deadline_complete,
    "cancel": services.deadline_cancel,
    "reopen": services.deadline_reopen,
}


class DeadlineAction(ApiView):
    action_name = None

    @extend_schema(
        summary="Mark a deadline done, cancel it, or reopen it",
        request=None,
        responses=s.DeadlineSerializer,
    )
    def post(self, request, pk, deadline_pk):
        campaign = self.campaign(change=True)
        deadline = get_object_or_404(Deadline.objects.select_related("campaign"), campaign=campaign, pk=deadline_pk)
        with transaction.atomic():
            DEADLINE_ACTIONS[self.action_name](deadline=deadline, user=request.user)
        return self.render(s.DeadlineSerializer, deadlines_with_parts().get(pk=deadline.pk))


class MyDeadlines(ApiView):
    """Deadlines of every campaign the user may see (the flat list behind the dashboard and calendar)."""

    filter_backends = [DjangoFilterBackend]
    filterset_class = DeadlineFilter

    def get_queryset(self):
        visible = campaigns_visible_to(self.request.user).values("pk")
        return deadlines_with_parts().filter(campaign__in=visible).order_by("due_date", "due_time", "pk")

    @extend_schema(
        summary="Deadlines of the campaigns you may see, soonest first",
        description="`mine=true` keeps the ones you own; `status=open&overdue=yes` the overdue ones.",
        responses=s.DeadlineSerializer(many=True),
    )
    def get(self, request):
        return self.paged(self.filter_queryset(self.get_queryset()), s.DeadlineSerializer)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
def not_found(request):
    raise NotFound("No such API endpoint.")


# --- letters -------------------------------------------------------------------------------------


def letters_with_parts():
    return Letter.objects.select_related("campaign__jurisdiction").prefetch_related(
        Prefetch("recipients", queryset=Target.objects.select_related("official", "agency").order_by("pk"))
    )


class LetterList(ApiView):
    @extend_schema(summary="A campaign's letters, newest first", responses=s.LetterSerializer(many=True))
    def get(self, request, pk):
        campaign = self.campaign()
        return self.paged(
            letters_with_parts().filter(campaign=campaign).order_by("-created_at", "-pk"), s.LetterSerializer
        )

    @extend_schema(
        summary="Draft a letter from a sample letter of the library",
        description="The body keeps the sample's merge fields; they are filled in `text` from the recipients, "
        "the campaign and the sender.",
        request=s.LetterCreateSerializer,
        responses={201: s.LetterSerializer},
    )
    def post(self, request, pk):
        campaign = self.campaign(change=True, queryset=Campaign.objects.select_related("jurisdiction__state"))
        data = self.validated(s.LetterCreateSerializer, campaign=campaign)
        letter = services.letter_create(campaign=campaign, user=request.user, **data)
        return self.render(s.LetterSerializer, letters_with_parts().get(pk=letter.pk), code=status.HTTP_201_CREATED)


class LetterDetail(ApiView):
    @extend_schema(summary="A letter, with its merged text", responses=s.LetterSerializer)
    def get(self, request, pk, letter_pk):
        campaign = self.campaign()
        return self.render(s.LetterSerializer, get_object_or_404(letters_with_parts(), campaign=campaign, pk=letter_pk))

    @extend_schema(
        summary="Edit a letter",
        description="An unknown merge field in the body is refused, never left blank in the letter.",
        request=s.LetterUpdateSerializer,
        responses=s.LetterSerializer,
    )
    def put(self, request, pk, letter_pk):
        campaign = self.campaign(change=True, queryset=Campaign.objects.select_related("jurisdiction__state"))
        letter = get_object_or_404(Letter.objects.select_related("campaign"), campaign=campaign, pk=letter_pk)
        data = self.validated(s.LetterUpdateSerializer, campaign=campaign)
        services.letter_update(letter=letter, user=request.user, **data)
        return self.render(s.LetterSerializer, letters_with_parts().get(pk=letter.pk))


class LetterStatus(ApiView):
    @extend_schema(
        summary="Mark a letter draft, sent or answered",
        description="`expect_answer_by` with a sent letter adds a follow-up deadline; an answer closes it.",
        request=s.LetterStatusInputSerializer,
        responses=s.LetterSerializer,
    )
    def post(self, request, pk, letter_pk):
        campaign = self.campaign(change=True)
        letter = get_object_or_404(Letter, campaign=campaign, pk=letter_pk)
        data = self.validated(s.LetterStatusInputSerializer)
        services.letter_set_status(letter=letter, user=request.user, **data)
        return self.render(s.LetterSerializer, letters_with_parts().get(pk=letter.pk))
