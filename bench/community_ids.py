#!/usr/bin/env python3
"""Id lists for the community part of bench/run.sh, fetched through the API (stdlib only).

    python3 bench/community_ids.py BASE_URL OUT_DIR EMAIL PASSWORD

Logs in as EMAIL and writes, one value a line, into OUT_DIR:
  community-ids.txt  the communities EMAIL is an active member of (GET /api/v1/communities
                     ?joined=true) that hold at least 100 threads;
  thread-ids.txt     threads of those communities with at least 50 visible posts (when they
                     hold none, of other communities the member reads) (for a
                     full 50-post page), from their thread lists;
  post-thread-ids.txt  unlocked threads of those communities to reply to (the first 200);
  search-words.txt   words of the scale seed's vocabulary that find posts EMAIL can read.
Prints one summary line to stdout; exits non-zero (with the reason on stderr) when a
request does not answer 200 or a list would be empty.
"""

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

# Words the scale seed (src/seed/community.rs) writes into post bodies and titles.
CANDIDATE_WORDS = [
    "bargaining", "grievance", "safety", "heat", "wage", "platform", "gender", "mentoring",
    "riders", "garment", "domestic", "stewards", "campaign", "workshop", "freedom", "dues",
    "contract", "facilitators", "workers", "training",
]


def request(base, method, path, token=None, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=60) as res:
            return json.load(res)
    except urllib.error.HTTPError as e:
        detail = e.read()[:500].decode("utf-8", "replace")
        sys.exit(f"community_ids.py: {method} {path} answered {e.code}: {detail}")


def pages(base, path, token=None, limit=None):
    """Items of a cursor-paged list (at most `limit`)."""
    cursor, seen = None, 0
    while True:
        sep = "&" if "?" in path else "?"
        url = path if cursor is None else f"{path}{sep}cursor={urllib.parse.quote(cursor)}"
        page = request(base, "GET", url, token)
        for item in page["items"]:
            yield item
            seen += 1
            if limit is not None and seen >= limit:
                return
        cursor = page.get("next_cursor")
        if not cursor:
            return


def write(out_dir, name, values):
    if not values:
        sys.exit(f"community_ids.py: {name} would be empty")
    with open(os.path.join(out_dir, name), "w") as f:
        for v in values:
            f.write(f"{v}\n")


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    base, out_dir, email, password = sys.argv[1:5]
    token = request(base, "POST", "/api/v1/auth/login", body={"email": email, "password": password})[
        "access_token"]
    communities = [c for c in pages(base, "/api/v1/communities?joined=true&limit=100", token)
                   if (c.get("thread_count") or 0) >= 100]
    community_ids = [c["id"] for c in communities]
    threads, repliable = [], []
    for cid in community_ids:
        for t in pages(base, f"/api/v1/communities/{cid}/threads?limit=100", token):
            if t["reply_count"] + 1 >= 50:
                threads.append(t["id"])
            if not t["locked"] and len(repliable) < 200:
                repliable.append(t["id"])
    if not threads:
        # At a large scale the member's own communities may hold no thread that long: take
        # them from the other communities the member reads (public ones), as many as needed.
        for c in pages(base, "/api/v1/communities?limit=100", token):
            if c["id"] in community_ids or (c.get("thread_count") or 0) < 100:
                continue
            for t in pages(base, f"/api/v1/communities/{c['id']}/threads?limit=100", token, limit=500):
                if t["reply_count"] + 1 >= 50:
                    threads.append(t["id"])
            if len(threads) >= 100:
                break
    words = []
    for w in CANDIDATE_WORDS:
        hits = request(base, "GET", f"/api/v1/search/posts?q={urllib.parse.quote(w)}&limit=1", token)
        if hits["items"]:
            words.append(w)
    write(out_dir, "community-ids.txt", community_ids)
    write(out_dir, "thread-ids.txt", threads)
    write(out_dir, "post-thread-ids.txt", repliable)
    write(out_dir, "search-words.txt", words)
    print(f"{len(community_ids)} communities of {email} with >= 100 threads "
          f"({sum(c['thread_count'] for c in communities)} threads), {len(threads)} threads with >= 50 posts, "
          f"{len(repliable)} threads to reply to, {len(words)} search words")


if __name__ == "__main__":
    main()
