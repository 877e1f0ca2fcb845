"""Schemathesis hooks for .ci/run.

Cursors are opaque tokens that lists hand out in `next_cursor`; a random string
is rightly refused with 400 `invalid_query`, so the fuzzer must not invent them
(the integration tests cover cursors, valid and invalid).

An integer in a query string is written in digits (docs/API.md): JSON Schema counts
`1.0` as an integer, so the fuzzer may write `?course_id=1.0`, which the API refuses
with 400 `invalid_query` by contract. Such values are written as the digits they
stand for. (JSON bodies do accept integral floats: `http::json::int`.)
"""
import schemathesis


def _digits(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.endswith(".0") and value[:-2].lstrip("-").isdigit():
        return value[:-2]
    return value


@schemathesis.hook
def map_query(ctx, query):
    if query and "cursor" in query:
        del query["cursor"]
    if query:
        for key, value in list(query.items()):
            if isinstance(value, list):
                query[key] = [_digits(v) for v in value]
            else:
                query[key] = _digits(value)
    return query


# Authenticated operations are exercised as a demo account (seeded by `seed --demo`): the
# member by default, or the account named by BAYANIHAN_ST_EMAIL (.ci/run also runs as the
# administrator, on a database of its own, so that no operation is fuzzed only into 403).
# The token is fetched again every second, because the fuzzer also calls
# `/auth/logout`, which rightly ends the login it was given. The fuzzer's own failed
# logins soon exhaust the per-address login throttle of 127.0.0.1, so these logins come
# "from" another address (the CI server runs with BAYANIHAN_TRUST_PROXY=true), and they
# send back the device token of the previous login, as a real client does, so that failed
# logins the fuzzer makes on the same account cannot delay them.
_device_token = None


@schemathesis.auth(refresh_interval=1)
class DemoMember:
    def get(self, case, ctx):
        import os
        import requests

        global _device_token
        base = os.environ["BAYANIHAN_ST_BASE"]
        body = {
            "email": os.environ.get("BAYANIHAN_ST_EMAIL", "member@demo.bayanihan.org"),
            "password": "bayanihan-demo-2026",
        }
        if _device_token:
            body["device_token"] = _device_token
        res = requests.post(
            f"{base}/api/v1/auth/login",
            json=body,
            headers={"X-Forwarded-For": "10.20.30.40"},
            timeout=10,
        )
        res.raise_for_status()
        tokens = res.json()
        _device_token = tokens.get("device_token")
        return tokens["access_token"]

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
