"""Schemathesis hooks for .ci/run.

Cursors are opaque tokens that lists hand out in `next_cursor`; a random string
is rightly refused with 400 `invalid_query`, so the fuzzer must not invent them
(the integration tests cover cursors, valid and invalid).
"""
import schemathesis


@schemathesis.hook
def map_query(ctx, query):
    if query and "cursor" in query:
        del query["cursor"]
    return query


# Authenticated operations are exercised as the demo member (seeded by `seed --demo`).
# The token is fetched again every second, because the fuzzer also calls
# `/auth/logout`, which rightly ends the login it was given. The fuzzer's own failed
# logins soon exhaust the per-address login throttle of 127.0.0.1, so these logins come
# "from" another address (the CI server runs with BAYANIHAN_TRUST_PROXY=true).
@schemathesis.auth(refresh_interval=1)
class DemoMember:
    def get(self, case, ctx):
        import os
        import requests

        base = os.environ["BAYANIHAN_ST_BASE"]
        res = requests.post(
            f"{base}/api/v1/auth/login",
            json={"email": "member@demo.bayanihan.org", "password": "bayanihan-demo-2026"},
            headers={"X-Forwarded-For": "10.20.30.40"},
            timeout=10,
        )
        res.raise_for_status()
        return res.json()["access_token"]

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
