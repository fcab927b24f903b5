"""Rotating the registry's token signing key in a running stack: tokens signed before keep
working at every service, new tokens carry the new key and work everywhere too. (The gateway's
checkpoint and key-encryption keys have their rotation tests in the gateway's suite.)"""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path

from convenor_registry.oauth.keys import generate_key_file

from .stack import ADMIN, ANALYTICS, GATEWAY, REGISTRY, Stack


def kid(token: str) -> str:
    header = token.split(".")[0]
    return str(json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"])


async def works_everywhere(stack: Stack, token: str) -> None:
    async with stack.client(token) as http:
        assert (await http.get(f"{REGISTRY}/v1/areas", params={"limit": 1})).status_code == 200
        entries = await http.get(f"{GATEWAY}/v1/audit/entries", params={"limit": 1})
        assert entries.status_code == 200
        assert (await http.get(f"{ANALYTICS}/v1/sync/status")).status_code == 200


class TestSigningKeyRotation:
    async def test_old_tokens_keep_working_and_new_ones_use_the_new_key(self, stack: Stack):
        before = await stack.token(*ADMIN)
        await works_everywhere(stack, before)

        keys = stack.apps["registry"].state.signing_keys
        generate_key_file(Path(stack.settings["registry"].signing_key_dir))
        keys.reload()  # a running registry rereads its key folder every 30 s; do it now
        after = await stack.token(*ADMIN)
        assert kid(after) != kid(before)
        published = (await stack.client().get(f"{REGISTRY}/oauth/jwks.json")).json()["keys"]
        assert {kid(before), kid(after)} <= {k["kid"] for k in published}

        # The other services refetch the JWKS for an unknown key id, at most every 2 s.
        await asyncio.sleep(2.1)
        await works_everywhere(stack, after)
        await works_everywhere(stack, before)
