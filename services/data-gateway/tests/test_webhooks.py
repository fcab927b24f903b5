"""Webhooks: registration refuses unsafe endpoints; notifications are signed, queued with the
change and sent later by the delivery task, with backoff."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from fastapi import FastAPI

from convenor_gateway.webhooks import delivery, signing
from convenor_shared.db import utcnow

from .factories import Api, asb_request, partner

PUBLIC = "93.184.216.34"


@pytest.fixture
def hooks(resolver):
    resolver.names.update(
        {
            "hooks.council.example": [PUBLIC],
            "loopback.example": ["127.0.0.1"],
            "intranet.example": ["10.1.2.3"],
            "mixed.example": [PUBLIC, "192.168.0.10"],
        }
    )
    return resolver


async def deliver(app: FastAPI, **later: float) -> int:
    state = app.state
    now = utcnow() + timedelta(**later) if later else None
    return await delivery.deliver_due(
        state.database, state.http, state.resolver, state.runtime.settings, now
    )


async def register(api: Api, url: str, **extra) -> dict:
    return await api.created("/v1/webhooks", {"url": url, **extra})


class TestRegistration:
    @pytest.mark.parametrize(
        "url",
        [
            "http://hooks.council.example/convenor",
            "https://user:pass@hooks.council.example/convenor",
            "https://127.0.0.1/hook",
            "https://[::1]/hook",
            "https://loopback.example/hook",
            "https://intranet.example/hook",
            "https://mixed.example/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://224.0.0.1/hook",
            "https://240.0.0.1/hook",
            "https://0.0.0.0/hook",
            "https://[::ffff:10.0.0.1]/hook",
            "https://nowhere.example/hook",
        ],
    )
    async def test_an_unsafe_endpoint_is_refused(self, client, registry, issuer, hooks, url):
        council = partner(client, registry, issuer, "local_authority")
        response = await council.post("/v1/webhooks", json={"url": url})
        assert response.status_code == 422, url
        assert response.json()["type"] == "/problems/webhook-url-refused"

    async def test_the_secret_is_shown_once(self, client, registry, issuer, hooks):
        council = partner(client, registry, issuer, "local_authority")
        created = await register(council, "https://hooks.council.example/convenor")
        assert created["secret"].startswith("whsec_")
        read = (await council.get(f"/v1/webhooks/{created['id']}")).json()
        assert "secret" not in read
        listed = (await council.get("/v1/webhooks")).json()
        assert [w["id"] for w in listed] == [created["id"]] and "secret" not in listed[0]

    async def test_another_organisations_webhook_is_not_found(
        self, client, registry, issuer, hooks
    ):
        council = partner(client, registry, issuer, "local_authority")
        other = partner(client, registry, issuer, "local_authority")
        created = await register(council, "https://hooks.council.example/convenor")
        assert (await other.get(f"/v1/webhooks/{created['id']}")).status_code == 404
        assert (await other.delete(f"/v1/webhooks/{created['id']}")).status_code == 404


class TestNotifications:
    async def test_a_request_reaching_the_holder_is_notified_with_a_valid_signature(
        self, app, client, registry, issuer, hooks
    ):
        opcc = partner(client, registry, issuer, "local_policing_body")
        council = partner(client, registry, issuer, "local_authority")
        hook = await register(council, "https://hooks.council.example/convenor")
        draft = await opcc.created("/v1/requests", asb_request(council))
        registry.received.clear()
        await deliver(app)
        assert registry.received == []  # a draft has not reached the holder
        await opcc.move(draft["id"], "submitted")
        assert await deliver(app) >= 1
        (sent,) = [r for r in registry.received if r.headers["host"] == "hooks.council.example"]
        assert sent.url.host == PUBLIC  # sent to the address that was checked
        assert sent.extensions["sni_hostname"] == "hooks.council.example"
        headers = {
            k: sent.headers[k] for k in ("webhook-id", "webhook-timestamp", "webhook-signature")
        }
        assert signing.verify(hook["secret"], headers, sent.content, int(time.time()))
        assert not signing.verify("whsec_" + "A" * 44, headers, sent.content, int(time.time()))
        payload = json.loads(sent.content)
        assert payload["type"] == "request.submitted"
        assert payload["data"]["request_id"] == draft["id"]
        assert "justification" not in sent.content.decode()

    async def test_a_failed_delivery_is_retried_with_backoff_then_succeeds(
        self, app, client, registry, issuer, hooks
    ):
        opcc = partner(client, registry, issuer, "local_policing_body")
        council = partner(client, registry, issuer, "local_authority")
        hook = await register(council, "https://hooks.council.example/convenor")
        await deliver(app)  # drain anything queued by other tests
        await opcc.created("/v1/requests", asb_request(council, submit=True))
        registry.hook_status[:] = [500]
        await deliver(app)
        (failed,) = (await council.get(f"/v1/webhooks/{hook['id']}/deliveries")).json()
        assert failed["status"] == "pending" and failed["attempts"] == 1
        assert failed["last_status_code"] == 500
        assert await deliver(app) == 0  # not due yet: backing off
        await deliver(app, seconds=3600)
        (done,) = (await council.get(f"/v1/webhooks/{hook['id']}/deliveries")).json()
        assert done["status"] == "delivered" and done["attempts"] == 2

    async def test_the_address_is_checked_again_before_sending(
        self, app, client, registry, issuer, hooks
    ):
        opcc = partner(client, registry, issuer, "local_policing_body")
        council = partner(client, registry, issuer, "local_authority")
        hooks.names["rebinding.example"] = [PUBLIC]
        hook = await register(council, "https://rebinding.example/hook")
        await deliver(app)
        await opcc.created("/v1/requests", asb_request(council, submit=True))
        hooks.names["rebinding.example"] = ["127.0.0.1"]
        registry.received.clear()
        await deliver(app)
        assert all(r.headers["host"] != "rebinding.example" for r in registry.received)
        (refused,) = (await council.get(f"/v1/webhooks/{hook['id']}/deliveries")).json()
        assert "loopback" in refused["last_error"]

    def test_backoff_grows_exponentially_up_to_the_cap(self, settings):
        delays = [delivery.backoff(n, settings) for n in range(1, 12)]
        assert delays[1] > delays[0] * 1.3
        assert max(delays) <= settings.webhook_backoff_cap_seconds * 1.2
