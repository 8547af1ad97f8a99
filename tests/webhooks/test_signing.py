"""The signature is MLflow's: the same HMAC-SHA256 over ``<delivery id>.<timestamp>.<body>``."""

from __future__ import annotations

from mlflow.webhooks.constants import (
    WEBHOOK_DELIVERY_ID_HEADER,
    WEBHOOK_SIGNATURE_HEADER,
    WEBHOOK_TIMESTAMP_HEADER,
)
from mlflow.webhooks.delivery import _generate_hmac_signature

from modelreg.webhooks import signing

BODY = '{"entity": "model_version", "action": "created", "timestamp": "t", "data": {}}'


def test_signature_is_the_one_mlflow_computes() -> None:
    ours = signing.sign("s3cret", "delivery-1", "1700000000", BODY)
    assert ours == _generate_hmac_signature("s3cret", "delivery-1", "1700000000", BODY)
    assert ours.startswith("v1,")


def test_headers_have_mlflow_names() -> None:
    headers = signing.delivery_headers("s3cret", "delivery-1", "1700000000", BODY)
    assert headers[WEBHOOK_DELIVERY_ID_HEADER] == "delivery-1"
    assert headers[WEBHOOK_TIMESTAMP_HEADER] == "1700000000"
    assert headers[WEBHOOK_SIGNATURE_HEADER] == signing.sign(
        "s3cret", "delivery-1", "1700000000", BODY
    )
    assert headers["Content-Type"] == "application/json"


def test_verify_rejects_another_secret_body_or_timestamp() -> None:
    signature = signing.sign("s3cret", "d", "1", BODY)
    assert signing.verify("s3cret", "d", "1", BODY, signature)
    assert not signing.verify("other", "d", "1", BODY, signature)
    assert not signing.verify("s3cret", "d", "2", BODY, signature)
    assert not signing.verify("s3cret", "d", "1", BODY + " ", signature)
