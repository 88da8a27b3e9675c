"""Public read endpoints: the finder (`/api/v1/services/`) and HSDS 3 style reads under
`/api/v1/hsds/` for other directories. The catalogue is public, so no login is needed."""

import math
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from coordination.rest import StandardPagination, page_of

from .forms import MAX_AGE
from .hsds.exporter import (
    organization_documents,
    service_documents,
    taxonomy_documents,
    taxonomy_term_documents,
)
from .links import service_page_url
from .models import Organization, Service, Taxonomy, TaxonomyTerm
from .opening import hours_on
from .selectors import (
    MAX_QUERY_LENGTH,
    FinderQuery,
    FinderResult,
    finder_page,
)

HSDS_VERSION = "3.0"


class PublicApi(APIView):
    # Anonymous readers: no session (so no CSRF) and no token needed.
    authentication_classes: list = []
    permission_classes = [AllowAny]


class ServiceFinderApi(PublicApi):
    class InputSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, allow_blank=True, max_length=MAX_QUERY_LENGTH)
        age = serializers.IntegerField(required=False, min_value=0, max_value=MAX_AGE)
        topic = serializers.SlugField(required=False, allow_blank=True, max_length=64)
        drop_in = serializers.BooleanField(required=False, default=False)
        free = serializers.BooleanField(required=False, default=False)
        anonymous = serializers.BooleanField(required=False, default=False)
        open_now = serializers.BooleanField(required=False, default=False)
        page = serializers.IntegerField(required=False, default=1, min_value=1, max_value=10_000)
        page_size = serializers.IntegerField(
            required=False,
            default=StandardPagination.page_size,
            min_value=1,
            max_value=StandardPagination.max_page_size,
        )

    class ServiceOutputSerializer(serializers.Serializer):
        class OrganizationSerializer(serializers.Serializer):
            id = serializers.UUIDField()
            name = serializers.CharField()

        class TopicSerializer(serializers.Serializer):
            code = serializers.CharField()
            name = serializers.CharField()

        id = serializers.UUIDField()
        name = serializers.CharField()
        description = serializers.CharField()
        organization = OrganizationSerializer()
        minimum_age = serializers.IntegerField(allow_null=True)
        maximum_age = serializers.IntegerField(allow_null=True)
        level = serializers.CharField()
        sector = serializers.CharField()
        drop_in = serializers.BooleanField()
        free = serializers.BooleanField()
        anonymous = serializers.BooleanField()
        referral_required = serializers.BooleanField()
        topics = TopicSerializer(many=True)
        open_now = serializers.BooleanField()
        url = serializers.CharField(help_text="The service's public page.")

    @extend_schema(
        operation_id="services_search",
        parameters=[InputSerializer],
        responses=page_of(ServiceOutputSerializer),
        examples=[
            OpenApiExample(
                "A service",
                response_only=True,
                value={
                    "count": 1,
                    "next": None,
                    "previous": None,
                    "results": [
                        {
                            "id": "0b0c9a8e-5f57-5c1c-a3f0-52b1f5a9e7a1",
                            "name": "Helsestasjon for ungdom",
                            "description": "Gratis helsestasjon for unge.",
                            "organization": {
                                "id": "7d1e6c3b-0f0a-5b7a-9a57-4c8e2b7f6d10",
                                "name": "Fjordvik kommune, Helse og mestring",
                            },
                            "minimum_age": 13,
                            "maximum_age": 23,
                            "level": "municipal",
                            "sector": "health",
                            "drop_in": True,
                            "free": True,
                            "anonymous": True,
                            "referral_required": False,
                            "topics": [{"code": "angst", "name": "Angst og bekymring"}],
                            "open_now": True,
                            "url": "/services/0b0c9a8e-5f57-5c1c-a3f0-52b1f5a9e7a1/",
                        }
                    ],
                },
            )
        ],
        description="The public finder: full-text search (Norwegian), typo-tolerant, with "
        "filters. Best match first; by name without `q`.",
    )
    def get(self, request: Request) -> Response:
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        search = {k: v for k, v in params.validated_data.items() if k not in ("page", "page_size")}
        now = timezone.localtime()
        page = finder_page(
            query=FinderQuery(**search),
            now=now,
            number=params.validated_data["page"],
            size=params.validated_data["page_size"],
            topics=True,
        )
        url = request.build_absolute_uri()
        service_url = service_page_url()
        return Response(
            {
                "count": page.total,
                "next": replace_query_param(url, "page", page.number + 1)
                if page.has_next()
                else None,
                "previous": replace_query_param(url, "page", page.number - 1)
                if page.has_previous()
                else None,
                # `_row` builds each result in its serializer's shape and types already;
                # running the serializer over them again only copied them (~1 ms a page).
                "results": [self._row(result, now, service_url) for result in page.results],
            }
        )

    @staticmethod
    def _row(result: FinderResult, now: Any, service_url: Callable[[UUID], str]) -> dict[str, Any]:
        """One result as `ServiceOutputSerializer` documents it (same keys, order, types)."""
        service = result.service
        return {
            "id": service.id,
            "name": service.localized("name"),
            "description": service.localized("description"),
            "organization": {
                "id": service.organization_id,
                "name": service.organization.localized("name"),
            },
            "minimum_age": service.minimum_age,
            "maximum_age": service.maximum_age,
            "level": service.level,
            "sector": service.sector,
            "drop_in": service.drop_in,
            "free": service.free,
            "anonymous": service.anonymous,
            "referral_required": service.referral_required,
            "topics": [
                {"code": term.code, "name": term.localized("name")} for term in result.topics
            ],
            "open_now": hours_on(service, result.schedules, now.date()).is_open_at(now.time()),
            "url": service_url(service.id),
        }


class HsdsPagination(PageNumberPagination):
    """The page envelope of the HSDS 3 API: contents plus counts and first/last flags."""

    page_size = 50
    page_size_query_param = "per_page"
    max_page_size = 200

    def get_paginated_response(self, data: Any) -> Response:
        assert self.page is not None
        total = self.page.paginator.count
        return Response(
            {
                "total_items": total,
                "total_pages": max(1, math.ceil(total / self.page.paginator.per_page)),
                "page_number": self.page.number,
                "size": len(data),
                "first_page": not self.page.has_previous(),
                "last_page": not self.page.has_next(),
                "empty": total == 0,
                "contents": data,
            }
        )


HSDS_PAGE_PARAMETERS = [
    OpenApiParameter("page", OpenApiTypes.INT, description="Page number, from 1."),
    OpenApiParameter("per_page", OpenApiTypes.INT, description="Items a page (at most 200)."),
]
HSDS_PAGE_EXAMPLE = OpenApiExample(
    "A page",
    response_only=True,
    value={
        "total_items": 1,
        "total_pages": 1,
        "page_number": 1,
        "size": 1,
        "first_page": True,
        "last_page": True,
        "empty": False,
        "contents": [{"id": "7d1e6c3b-0f0a-5b7a-9a57-4c8e2b7f6d10", "name": "..."}],
    },
)


class HsdsListApi(PublicApi):
    def page_of(self, request: Request, queryset: QuerySet, build: Any) -> Response:
        paginator = HsdsPagination()
        page = paginator.paginate_queryset(queryset, request, view=self) or []
        return paginator.get_paginated_response(build(page))


class HsdsMetaApi(PublicApi):
    @extend_schema(
        operation_id="hsds_about",
        responses=OpenApiTypes.OBJECT,
        examples=[
            OpenApiExample(
                "About", value={"version": "3.0", "profile": "", "openapi_url": "/api/schema/"}
            )
        ],
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "version": HSDS_VERSION,
                "profile": request.build_absolute_uri("/services/"),
                "openapi_url": request.build_absolute_uri(reverse("api-schema")),
            }
        )


def _nested_services(page: list[Service]) -> list[dict[str, Any]]:
    ids = [service.pk for service in page]
    documents = {doc["id"]: doc for doc in service_documents(Service.objects.filter(pk__in=ids))}
    return [documents[str(pk)] for pk in ids]


class HsdsServiceListApi(HsdsListApi):
    @extend_schema(
        operation_id="hsds_services_list",
        parameters=HSDS_PAGE_PARAMETERS,
        responses=OpenApiTypes.OBJECT,
        examples=[HSDS_PAGE_EXAMPLE],
        description="Every service as fully nested HSDS 3 JSON, ordered by id.",
    )
    def get(self, request: Request) -> Response:
        return self.page_of(request, Service.objects.order_by("pk"), _nested_services)


class HsdsServiceDetailApi(PublicApi):
    @extend_schema(
        operation_id="hsds_service_retrieve",
        responses=OpenApiTypes.OBJECT,
        description="One fully nested HSDS service.",
    )
    def get(self, request: Request, service_id: str) -> Response:
        documents = service_documents(Service.objects.filter(pk=service_id))
        if not documents:
            raise Service.DoesNotExist
        return Response(documents[0])


class HsdsOrganizationListApi(HsdsListApi):
    @extend_schema(
        operation_id="hsds_organizations_list",
        parameters=HSDS_PAGE_PARAMETERS,
        responses=OpenApiTypes.OBJECT,
        examples=[HSDS_PAGE_EXAMPLE],
    )
    def get(self, request: Request) -> Response:
        return self.page_of(request, Organization.objects.order_by("pk"), organization_documents)


class HsdsOrganizationDetailApi(PublicApi):
    @extend_schema(operation_id="hsds_organization_retrieve", responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, organization_id: str) -> Response:
        organization = Organization.objects.get(pk=organization_id)
        document = organization_documents([organization])[0]
        document["services"] = _nested_services(list(organization.services.order_by("pk")))
        return Response(document)


class HsdsTaxonomyListApi(HsdsListApi):
    @extend_schema(
        operation_id="hsds_taxonomies_list",
        parameters=HSDS_PAGE_PARAMETERS,
        responses=OpenApiTypes.OBJECT,
        examples=[HSDS_PAGE_EXAMPLE],
    )
    def get(self, request: Request) -> Response:
        return self.page_of(request, Taxonomy.objects.order_by("pk"), taxonomy_documents)


class HsdsTaxonomyTermListApi(HsdsListApi):
    @extend_schema(
        operation_id="hsds_taxonomy_terms_list",
        parameters=HSDS_PAGE_PARAMETERS,
        responses=OpenApiTypes.OBJECT,
        examples=[HSDS_PAGE_EXAMPLE],
    )
    def get(self, request: Request) -> Response:
        return self.page_of(request, TaxonomyTerm.objects.order_by("pk"), taxonomy_term_documents)
