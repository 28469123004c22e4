"""TOTP secrets are stored encrypted with the deployment's data key."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)

from tests.factories import UserFactory


@pytest.mark.django_db
def test_totp_secret_is_encrypted_at_rest_and_still_verifies():
    user = UserFactory()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    assert secret not in str(stored.data)
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    assert TOTP(stored).validate_code(code)
