"""The REST API of the shared data: jurisdictions and their policy, 287(g) agreements, the resource library.

Who may read follows the pages (jurisdictions.access, resources.access); writes are staff's and go
through jurisdictions.services and resources.services.
"""

from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import status

from campaigns import selectors_assignments as assignment_selectors
from campaigns.access import campaign_for_user
from campaigns.models import Assignment
from campaigns.services import assignments as assignment_services
from jurisdictions import selectors as jurisdiction_selectors
from jurisdictions import services as jurisdiction_services
from jurisdictions.filters import JurisdictionFilter
from jurisdictions.models import Agreement287g, Jurisdiction, PolicyRecord
from resources import selectors as resource_selectors
from resources import services as resource_services
from resources.access import library_visible_to, resource_for_user
from resources.filters import ResourceFilter

from . import serializers as s
from .filters import AgreementFilter, PolicyRecordFilter
from .permissions import IsStaffMember, JurisdictionData, LibraryData
from .views import ApiView, _sort_param, sort_from

# --- jurisdictions -------------------------------------------------------------------------------


class JurisdictionList(ApiView):
    permission_classes = [JurisdictionData]
    filter_backends = [DjangoFilterBackend]
    filterset_class = JurisdictionFilter

    def get_queryset(self):
        return jurisdiction_selectors.jurisdiction_list()

    @extend_schema(
        summary="Counties and cities with their current policy",
        description="Filters as on /jurisdictions/. Connecticut's former counties only with include_legacy=true.",
        parameters=[
            _sort_param(
                [
                    *jurisdiction_selectors.JURISDICTION_SORTS,
                    *(f"-{k}" for k in jurisdiction_selectors.JURISDICTION_SORTS),
                ],
                jurisdiction_selectors.JURISDICTION_DEFAULT_SORT,
            )
        ],
        responses=s.JurisdictionSerializer(many=True),
    )
    def get(self, request):
        keys = {
            *jurisdiction_selectors.JURISDICTION_SORTS,
            *(f"-{k}" for k in jurisdiction_selectors.JURISDICTION_SORTS),
        }
        sort = sort_from(request, keys, jurisdiction_selectors.JURISDICTION_DEFAULT_SORT)
        jurisdictions, _ = jurisdiction_selectors.jurisdiction_list_ordered(
            self.filter_queryset(self.get_queryset()), sort
        )
        return self.paged(jurisdictions, s.JurisdictionSerializer)


class JurisdictionDetail(ApiView):
    permission_classes = [JurisdictionData]

    @extend_schema(
        summary="A jurisdiction: current policy, state laws, records law, agencies and officials, 287(g) agreements",
        responses=s.JurisdictionDetailSerializer,
    )
    def get(self, request, pk):
        jurisdiction = get_object_or_404(jurisdiction_selectors.jurisdiction_detail_queryset(), pk=pk)
        return self.render(s.JurisdictionDetailSerializer, jurisdiction)


class PolicyRecordList(ApiView):
    permission_classes = [JurisdictionData]
    filter_backends = [DjangoFilterBackend]
    filterset_class = PolicyRecordFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no jurisdiction
            return PolicyRecord.objects.none()
        jurisdiction = get_object_or_404(Jurisdiction, pk=self.kwargs["pk"])
        return (
            PolicyRecord.objects.filter(jurisdiction=jurisdiction)
            .select_related("entered_by")
            .order_by("-effective_date", "-created_at", "-pk")
        )

    @extend_schema(
        summary="A jurisdiction's policy history, newest first", responses=s.PolicyRecordSerializer(many=True)
    )
    def get(self, request, pk):
        return self.paged(self.filter_queryset(self.get_queryset()), s.PolicyRecordSerializer)

    @extend_schema(
        summary="Record a policy of the jurisdiction (staff)",
        description="The jurisdiction's current policy and overall level follow at once.",
        request=s.PolicyRecordInputSerializer,
        responses={201: s.PolicyRecordSerializer},
    )
    def post(self, request, pk):
        jurisdiction = get_object_or_404(Jurisdiction.objects.select_related("state"), pk=pk)
        data = self.validated(s.PolicyRecordInputSerializer)
        record = jurisdiction_services.policy_record_create(jurisdiction=jurisdiction, user=request.user, **data)
        return self.render(s.PolicyRecordSerializer, record, code=status.HTTP_201_CREATED)


def agreements_with_parts():
    return Agreement287g.objects.select_related("agency", "state")


class AgreementList(ApiView):
    permission_classes = [JurisdictionData]
    filter_backends = [DjangoFilterBackend]
    filterset_class = AgreementFilter

    def get_queryset(self):
        return agreements_with_parts().order_by("state__name", "agency__name", "pk")

    @extend_schema(summary="287(g) agreements of local agencies with ICE", responses=s.AgreementSerializer(many=True))
    def get(self, request):
        return self.paged(self.filter_queryset(self.get_queryset()), s.AgreementSerializer)


class AgreementDetail(ApiView):
    permission_classes = [JurisdictionData]

    @extend_schema(summary="A 287(g) agreement", responses=s.AgreementSerializer)
    def get(self, request, pk):
        return self.render(s.AgreementSerializer, get_object_or_404(agreements_with_parts(), pk=pk))


# --- resources -----------------------------------------------------------------------------------


class ResourceList(ApiView):
    permission_classes = [LibraryData]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ResourceFilter

    def get_queryset(self):
        return library_visible_to(self.request.user, resource_selectors.resource_list_queryset())

    @extend_schema(
        summary="The resource library",
        description="Approved resources (public ones only without signing in). Filters as on /resources/; "
        "`q` searches title, summary and document text; `sort=relevance` goes with `q`.",
        parameters=[_sort_param(resource_selectors.SORTS, "newest (relevance when searching)")],
        responses=s.ResourceSerializer(many=True),
    )
    def get(self, request):
        sort_from(request, resource_selectors.SORTS, "newest")
        resources = self.filter_queryset(self.get_queryset())
        searching = bool((request.query_params.get("q") or "").strip())
        sort = resource_selectors.sort_key(request.query_params.get("sort"), searching=searching)
        return self.paged(resource_selectors.resource_list_ordered(resources, sort), s.ResourceSerializer)

    @extend_schema(
        summary="Add a resource to the library (staff)",
        request=s.ResourceInputSerializer,
        responses={201: s.ResourceDetailSerializer},
    )
    def post(self, request):
        data = self.validated(s.ResourceInputSerializer)
        resource = resource_services.resource_create(user=request.user, **data)
        return self.render(
            s.ResourceDetailSerializer,
            resource_selectors.resource_detail_queryset().get(pk=resource.pk),
            code=status.HTTP_201_CREATED,
        )


class ResourceDetail(ApiView):
    permission_classes = [LibraryData]

    @extend_schema(summary="A resource", responses=s.ResourceDetailSerializer)
    def get(self, request, pk):
        resource = resource_for_user(request.user, pk, queryset=resource_selectors.resource_detail_queryset())
        return self.render(s.ResourceDetailSerializer, resource)

    @extend_schema(
        summary="Change a resource (staff)",
        request=s.ResourceInputSerializer,
        responses=s.ResourceDetailSerializer,
    )
    def patch(self, request, pk):
        resource = resource_for_user(request.user, pk, change=True)
        data = self.validated(s.ResourceInputSerializer, partial=True, resource=resource)
        relations = {name: data.pop(name) for name in ("topics", "states", "audiences") if name in data}
        resource_services.resource_update(resource=resource, user=request.user, **relations, **data)
        return self.render(s.ResourceDetailSerializer, resource_selectors.resource_detail_queryset().get(pk=pk))


# --- assignments ---------------------------------------------------------------------------------


class CampaignAssignments(ApiView):
    @extend_schema(
        summary="Resources assigned to a campaign: active ones first, then withdrawn",
        responses=s.AssignmentSerializer(many=True),
    )
    def get(self, request, pk):
        campaign = self.campaign()
        return self.paged(assignment_selectors.assignments_for_campaign(campaign, request.user), s.AssignmentSerializer)


def _assignment_for_user(user, pk, *, manage=False):
    """The assignment if `user` may see its campaign (404 otherwise); staff only when managing (403)."""
    assignment = get_object_or_404(Assignment.objects.select_related("resource", "assigned_by", "withdrawn_by"), pk=pk)
    campaign_for_user(user, assignment.campaign_id, manage=manage)
    return assignment


class AssignmentList(ApiView):
    permission_classes = [IsStaffMember]

    @extend_schema(
        summary="Assign a library resource to campaigns with a note (staff)",
        description="A campaign that already has the resource is left alone and listed in `already_assigned`.",
        request=s.AssignmentInputSerializer,
        responses={201: s.AssignmentResultSerializer},
    )
    def post(self, request):
        data = self.validated(s.AssignmentInputSerializer)
        created, skipped = assignment_services.assignment_create(
            resource=data["resource"], campaigns=data["campaigns"], user=request.user, note=data["note"]
        )
        created = list(
            Assignment.objects.filter(pk__in=[a.pk for a in created])
            .select_related("resource", "assigned_by", "withdrawn_by")
            .order_by("campaign_id")
        )
        body = {"created": created, "already_assigned": [c.pk for c in skipped]}
        return self.render(s.AssignmentResultSerializer, body, code=status.HTTP_201_CREATED)


class AssignmentDetail(ApiView):
    @extend_schema(summary="An assignment", responses=s.AssignmentSerializer)
    def get(self, request, pk):
        return self.render(s.AssignmentSerializer, _assignment_for_user(request.user, pk))


class AssignmentWithdraw(ApiView):
    @extend_schema(
        summary="Withdraw an assignment with a reason (staff); it stays on record",
        request=s.WithdrawInputSerializer,
        responses=s.AssignmentSerializer,
    )
    def post(self, request, pk):
        assignment = _assignment_for_user(request.user, pk, manage=True)
        data = self.validated(s.WithdrawInputSerializer)
        assignment_services.assignment_withdraw(assignment=assignment, user=request.user, reason=data["reason"])
        return self.render(s.AssignmentSerializer, _assignment_for_user(request.user, pk))
