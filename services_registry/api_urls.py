from django.urls import path

from . import api

urlpatterns = [
    path("services/", api.ServiceFinderApi.as_view(), name="api-services"),
    path("hsds/", api.HsdsMetaApi.as_view(), name="api-hsds"),
    path("hsds/services/", api.HsdsServiceListApi.as_view(), name="api-hsds-services"),
    path(
        "hsds/services/<uuid:service_id>/",
        api.HsdsServiceDetailApi.as_view(),
        name="api-hsds-service",
    ),
    path(
        "hsds/organizations/",
        api.HsdsOrganizationListApi.as_view(),
        name="api-hsds-organizations",
    ),
    path(
        "hsds/organizations/<uuid:organization_id>/",
        api.HsdsOrganizationDetailApi.as_view(),
        name="api-hsds-organization",
    ),
    path("hsds/taxonomies/", api.HsdsTaxonomyListApi.as_view(), name="api-hsds-taxonomies"),
    path(
        "hsds/taxonomy_terms/",
        api.HsdsTaxonomyTermListApi.as_view(),
        name="api-hsds-taxonomy-terms",
    ),
]
