#!/usr/bin/env python3
"""Id lists and one-shot request lines for the cohorts part of bench/run.sh, through the
API (stdlib only).

    python3 bench/cohort_ids.py BASE_URL OUT_DIR PASSWORD RUNS COHORTS_PER_RUN LEADERS

Logs in as the demo coordinator and writes, into OUT_DIR:
  cohort-ids.txt     every cohort the coordinator sees (one id a line);
  selection-ids.txt  the scale seed's large call ("Scale cohort 0001", N/10 nominations);
  reach-ids.txt      the scale lineage's root ToT ("Scale lineage ToT"), whose reach is read;
  session-ids.txt    the first session of the lineage's largest training (most attendance);
  feed-tokens.txt    the secret token of etrainer00001@scale.bayanihan.test's own calendar
                     feed (renewed here: a root graduate who runs a ToT and a training);
  nominate-R.txt     for each run R in 0..RUNS-1 (the warm-up is run 0), one nomination a
                     line for bench/report.lua's `lines` mode: PATH, TOKEN, BODY separated
                     by tabs. A nomination can be made once per cohort and nominee, so every
                     run gets COHORTS_PER_RUN fresh cohorts (made here, with a call inviting
                     the synthetic unions' countries, nominations open) and every one of
                     LEADERS synthetic leaders (leaderNNNNNN@scale.bayanihan.test, logged in
                     here) nominates their union's member into each.
Prints one summary line to stdout; exits non-zero (with the reason on stderr) when a
request fails or a list would be empty.
"""

import concurrent.futures
import datetime
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

COORDINATOR = "coordinator@demo.bayanihan.org"
LARGE_CALL = "Scale cohort 0001"
LINEAGE_ROOT = "Scale lineage ToT"
FEED_OWNER = "etrainer00001@scale.bayanihan.test"


def request(base, method, path, token=None, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=60) as res:
            raw = res.read()
            return json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        detail = e.read()[:500].decode("utf-8", "replace")
        sys.exit(f"cohort_ids.py: {method} {path} answered {e.code}: {detail}")


def pages(base, path, token):
    cursor = None
    while True:
        sep = "&" if "?" in path else "?"
        url = path if cursor is None else f"{path}{sep}cursor={urllib.parse.quote(cursor)}"
        page = request(base, "GET", url, token)
        yield from page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return


def login(base, email, password):
    return request(base, "POST", "/api/v1/auth/login", body={"email": email, "password": password})[
        "access_token"]


def write(out_dir, name, lines):
    if not lines:
        sys.exit(f"cohort_ids.py: {name} would be empty")
    with open(os.path.join(out_dir, name), "w") as f:
        for line in lines:
            f.write(f"{line}\n")


def leader_pair(base, password, large, i):
    """(token, nominee id) of synthetic leader i: the member they nominated in the large call."""
    token = login(base, f"leader{i:06d}@scale.bayanihan.test", password)
    mine = request(base, "GET", f"/api/v1/cohorts/{large}/nominations?limit=5", token)["items"]
    if not mine:
        sys.exit(f"cohort_ids.py: leader{i:06d} sees no nomination in cohort {large}")
    return token, mine[0]["nominee"]["id"]


def bench_cohort(base, token, trainer_ids, countries, run, k):
    """A fresh cohort with an open call to the synthetic unions' countries; its id."""
    starts = datetime.date.today() + datetime.timedelta(days=200)
    cohort = request(base, "POST", "/api/v1/cohorts", token, {
        "kind": "training", "default_language": "en",
        "title": f"Benchmark cohort {run}-{k}", "starts_on": starts.isoformat(),
        "ends_on": (starts + datetime.timedelta(days=30)).isoformat(),
        "time_zone": "Asia/Manila", "delivery_language": "en", "interpretation_languages": [],
        "capacity": 100, "region": "asia-pacific", "facilitator_ids": trainer_ids,
        "course_ids": [],
    })
    deadline = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=100)
    request(base, "PUT", f"/api/v1/cohorts/{cohort['id']}/call", token, {
        "deadline": deadline.isoformat(), "invited_countries": countries,
    })
    request(base, "POST", f"/api/v1/cohorts/{cohort['id']}/transitions", token,
            {"status": "nominations_open"})
    return cohort["id"]


def lineage(base, token, password, cohorts):
    """(feed token, session id, root cohort id, people reached below the root) of the
    scale lineage."""
    root = [c for c in cohorts if c["title"] == LINEAGE_ROOT]
    if not root:
        sys.exit(f"cohort_ids.py: no cohort {LINEAGE_ROOT!r}: seed --scale made none")
    root = root[0]["id"]
    reach = request(base, "GET", f"/api/v1/cohorts/{root}/reach", token)
    trainings = [n for n in reach["nodes"] if n["kind"] == "training"]
    if not trainings:
        sys.exit("cohort_ids.py: the lineage reaches no training")
    largest = max(trainings, key=lambda n: n["reached"]["trainees"] or 0)
    sessions = request(base, "GET", f"/api/v1/cohorts/{largest['cohort_id']}/sessions?limit=100",
                       token)["items"]
    session = None
    for s in sessions:
        if request(base, "GET", f"/api/v1/sessions/{s['id']}/attendance?limit=1", token)["items"]:
            session = s["id"]
            break
    if session is None:
        sys.exit(f"cohort_ids.py: no session of cohort {largest['cohort_id']} has attendance")
    owner = login(base, FEED_OWNER, password)
    url = request(base, "POST", "/api/v1/me/calendar-feed", owner)["url"]
    feed = url.rsplit("/", 1)[-1]
    return feed, session, root, reach["reached_below"]["trainees"]


def main():
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    base, out_dir, password = sys.argv[1:4]
    runs, per_run, leaders = (int(a) for a in sys.argv[4:7])
    token = login(base, COORDINATOR, password)
    cohorts = list(pages(base, "/api/v1/cohorts?limit=100", token))
    large = [c for c in cohorts if c["title"] == LARGE_CALL]
    if not large:
        sys.exit(f"cohort_ids.py: no cohort {LARGE_CALL!r}: seed --scale made none")
    large = large[0]
    selection = request(base, "GET", f"/api/v1/cohorts/{large['id']}/selection", token)
    call = request(base, "GET", f"/api/v1/cohorts/{large['id']}/call", token)
    countries = call["invited_countries"]
    trainers = large["facilitator_ids"]

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        pairs = list(pool.map(lambda i: leader_pair(base, password, large["id"], i),
                              range(1, leaders + 1)))
    made = 0
    for run in range(runs):
        lines = []
        for k in range(per_run):
            cid = bench_cohort(base, token, trainers, countries, run, k)
            made += 1
            body = json.dumps({"nominee_id": 0, "statement": "An organiser our members trust.",
                               "profile_read": True})
            for leader_token, nominee in pairs:
                line_body = body.replace('"nominee_id": 0', f'"nominee_id": {nominee}')
                lines.append(f"/api/v1/cohorts/{cid}/nominations\t{leader_token}\t{line_body}")
        write(out_dir, f"nominate-{run}.txt", lines)
    feed, session, root, reached = lineage(base, token, password, cohorts)
    write(out_dir, "cohort-ids.txt", [c["id"] for c in cohorts])
    write(out_dir, "reach-ids.txt", [root])
    write(out_dir, "session-ids.txt", [session])
    write(out_dir, "feed-tokens.txt", [feed])
    write(out_dir, "selection-ids.txt", [large["id"]])
    print(f"{len(cohorts)} cohorts; the large call {large['id']} with "
          f"{selection['submitted']['total']} nominations submitted or decided; "
          f"{len(pairs)} leaders nominating into {made} fresh cohorts "
          f"({per_run} a run, {len(pairs) * per_run} nominations a run at most); "
          f"lineage root {root} reaching {reached} people below it, session {session}")


if __name__ == "__main__":
    main()
