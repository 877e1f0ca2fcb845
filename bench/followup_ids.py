#!/usr/bin/env python3
"""Request lines for the follow-up part of bench/run.sh, through the API (stdlib only).

    python3 bench/followup_ids.py BASE_URL OUT_DIR PASSWORD PARTICIPANTS ROUNDS

The scale seed makes N synthetic members participants of the first completed scale cohort,
each with a two-step action plan; two in three have checked in for round 1
(src/seed/followup.rs). This logs in the synthetic members member000001 ..
memberPARTICIPANTS, reads each one's plan and check-ins, and writes into OUT_DIR, one
request a line for bench/report.lua's `lines` mode (PATH, TOKEN, BODY separated by tabs):
  checkin-RUN.txt  POST /api/v1/action-plans/{id}/check-ins: every (plan, round) without a
                   check-in, for six rounds (the script first sets the cohort's follow-up
                   schedule to 1..6 days after its end, so all six are due), split into
                   ROUNDS + 1 disjoint slices (RUN 0 is the warm-up), so every line is a
                   fresh check-in; a run that outlasts its slice wraps and the repeats
                   answer 409 `check_in_exists` (bench/run.sh keeps these runs short);
  patch-RUN.txt    PATCH /api/v1/check-ins/{id}: each existing check-in twice, with the first
                   step's status alternating, so every request changes it;
and union.txt: the path of the union list of leader000001 (the leader of member000001's
union) and the leader's token, for GET /api/v1/organisations/{id}/action-plans.
Prints one summary line to stdout; exits non-zero (with the reason on stderr) when a
request fails or a list would be empty.
"""

import concurrent.futures
import json
import os
import sys
import urllib.error
import urllib.request

COORDINATOR = "coordinator@demo.bayanihan.org"
# Rounds of the follow-up schedule made due for the check-ins (the most a schedule has).
ROUNDS_DUE = 6
DOMAIN = "@scale.bayanihan.test"


def request(base, method, path, token=None, body=None, missing_ok=False):
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
        if missing_ok and e.code == 404:
            return None
        detail = e.read()[:500].decode("utf-8", "replace")
        sys.exit(f"followup_ids.py: {method} {path} answered {e.code}: {detail}")


def login(base, email, password):
    return request(base, "POST", "/api/v1/auth/login", body={"email": email, "password": password})[
        "access_token"]


def write(out_dir, name, lines):
    if not lines:
        sys.exit(f"followup_ids.py: {name} would be empty")
    with open(os.path.join(out_dir, name), "w") as f:
        for line in lines:
            f.write(f"{line}\n")


def find_cohort(base, coordinator):
    """The completed scale cohort with action plans."""
    cohorts = request(base, "GET", "/api/v1/cohorts?limit=100", coordinator)["items"]
    for c in cohorts:
        if not c["title"].startswith("Scale cohort") or c["status"] != "completed":
            continue
        plans = request(base, "GET", f"/api/v1/cohorts/{c['id']}/action-plans?limit=1", coordinator)
        if plans["items"]:
            return c["id"]
    sys.exit("followup_ids.py: no completed scale cohort has action plans: seed --scale made none")


def reports(plan, status):
    steps = [s["id"] for s in plan["steps"]]
    return [{"step_id": steps[0], "status": status, "applied": "Held the study circle."}] + [
        {"step_id": s, "status": "in_progress", "barriers": ["time"]} for s in steps[1:]]


def participant(base, password, cohort, i):
    """A member's token, plan and round-1 check-in (or None); None when they have no plan."""
    token = login(base, f"member{i:06d}{DOMAIN}", password)
    # A member nominated to the cohort by the cohort seed is no participant the follow-up
    # seed planned for: 404.
    plans = request(base, "GET", f"/api/v1/cohorts/{cohort}/action-plans?limit=1", token,
                    missing_ok=True)
    if not plans or not plans["items"]:
        return None
    plans = plans["items"]
    plan = plans[0]
    check_ins = request(base, "GET", f"/api/v1/action-plans/{plan['id']}/check-ins", token)["items"]
    first = next((c for c in check_ins if c["round"] == 1), None)
    return token, plan, first, {c["round"] for c in check_ins}


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    base, out_dir, password = sys.argv[1:4]
    participants, rounds = int(sys.argv[4]), int(sys.argv[5])
    coordinator = login(base, COORDINATOR, password)
    cohort = find_cohort(base, coordinator)
    request(base, "PUT", f"/api/v1/cohorts/{cohort}/follow-up-schedule", coordinator,
            {"offsets_days": list(range(1, ROUNDS_DUE + 1))})
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        found = [p for p in pool.map(lambda i: participant(base, password, cohort, i),
                                     range(1, participants + 1)) if p]
    fresh = [(t, p, r) for r in range(1, ROUNDS_DUE + 1) for t, p, c, had in found
             if r not in had]
    done = [(t, p, c) for t, p, c, had in found if c is not None]
    for run in range(rounds + 1):
        lines = [f"/api/v1/action-plans/{p['id']}/check-ins\t{t}\t"
                 + json.dumps({"round": r, "reports": reports(p, "done")})
                 for t, p, r in fresh[run::rounds + 1]]
        write(out_dir, f"checkin-{run}.txt", lines)
        patch = []
        for t, p, c in done:
            for status in ("in_progress", "done"):
                patch.append(f"/api/v1/check-ins/{c['id']}\t{t}\t"
                             + json.dumps({"reports": reports(p, status)}))
        write(out_dir, f"patch-{run}.txt", patch)
    leader = login(base, f"leader000001{DOMAIN}", password)
    org = found[0][1]["organisation_id"]
    listed = request(base, "GET", f"/api/v1/organisations/{org}/action-plans", leader)["items"]
    write(out_dir, "union.txt", [f"/api/v1/organisations/{org}/action-plans", leader])
    print(f"cohort {cohort}: {len(found)} participants, {len(fresh)} check-ins to submit "
          f"({len(fresh) // (rounds + 1)} a run), {len(done)} check-ins to change; "
          f"union {org}: {len(listed)} plans for leader000001")


if __name__ == "__main__":
    main()
