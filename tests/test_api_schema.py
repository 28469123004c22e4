"""The public API against its own OpenAPI document (schemathesis): for generated requests, valid
and not, no server error, every response matches its documented schema and content type, and
requests that break the document are refused. A few examples per operation keep it quick."""

from __future__ import annotations

import pytest
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
)

from cip.wsgi import application
from landing.api import api
from projects.models import Insight
from tests.phase3_helpers import draft_insight, table_on
from tests.selection_helpers import selected

# The document as /api/v1/openapi.json serves it (loaded here: no database while collecting),
# and requests sent straight to the WSGI application.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = application
CHECKS = [
    not_a_server_error,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def published(programme_a, settings) -> None:
    """Something to find (and no rate limit to hit while generating requests)."""
    settings.ACCOUNT_RATE_LIMITS = settings.ACCOUNT_RATE_LIMITS | {"public_api": "100000/m/ip"}
    insight = draft_insight(selected(programme_a), title="Food bank visits")
    table_on(insight)
    Insight.objects.filter(pk=insight.pk).update(published_at=timezone.now())


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_matches_its_document(case, published) -> None:
    case.call_and_validate(checks=CHECKS)
