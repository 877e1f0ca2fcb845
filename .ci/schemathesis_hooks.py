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
