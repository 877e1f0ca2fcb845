#!/usr/bin/env python3
"""Request lines for the assessment part of bench/run.sh, through the API (stdlib only).

    python3 bench/assessment_ids.py BASE_URL OUT_DIR PASSWORD LEARNERS RUN

The scale seed gives the first open synthetic course a 20-question pre- and post-test
(src/seed/assessment.rs, taken by the first N/2 synthetic members) and an anonymous survey
with N responses (src/seed/surveys.rs). For run RUN (0 is the warm-up) this logs in the
synthetic members member000001 .. memberLEARNERS (enrolled in that course), has each one
start (or resume) an attempt at the pre-test and save an answer to all 20 questions, and
writes into OUT_DIR, one request a line for bench/report.lua's `lines` mode (PATH, TOKEN,
BODY separated by tabs):
  save-RUN.txt    PUT /api/v1/attempts/{id}/answers/{question_id}: every question of every
                  prepared attempt (saving again is what a reconnecting phone does);
  submit-RUN.txt  POST /api/v1/attempts/{id}/submit: each prepared attempt (20 answers)
                  once; after the last the run wraps and a repeat submit changes nothing;
  start-RUN.txt   POST /api/v1/lessons/{id}/quiz/attempts: each learner once, run after the
                  submits, so the first pass creates attempts (201) and later passes resume
                  them (200);
and, once, survey-ids.txt (the scale survey, whose results are read as the demo admin).
Prints one summary line to stdout; exits non-zero (with the reason on stderr) when a
request fails or a list would be empty.
"""

import concurrent.futures
import json
import os
import sys
import urllib.error
import urllib.request

ADMIN = "admin@demo.bayanihan.org"


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
        sys.exit(f"assessment_ids.py: {method} {path} answered {e.code}: {detail}")


def login(base, email, password):
    return request(base, "POST", "/api/v1/auth/login", body={"email": email, "password": password})[
        "access_token"]


def write(out_dir, name, lines):
    if not lines:
        sys.exit(f"assessment_ids.py: {name} would be empty")
    with open(os.path.join(out_dir, name), "w") as f:
        for line in lines:
            f.write(f"{line}\n")


def find_targets(base, token, admin):
    """(course id, pre-test lesson id, survey id) of the scale seed's synthetic course."""
    enrolments = request(base, "GET", "/api/v1/me/enrolments?limit=100", token)["items"]
    for course in sorted({e["course_id"] for e in enrolments if not e.get("deleted")}):
        pairs = request(base, "GET", f"/api/v1/courses/{course}/pre-post-tests", token)["items"]
        if not pairs:
            continue
        # A demo course has a pair too (seed --demo); the scale course also has the survey.
        surveys = request(base, "GET", f"/api/v1/courses/{course}/surveys", admin)["items"]
        if surveys:
            return course, pairs[0]["pre_lesson_id"], surveys[0]["id"]
    sys.exit("assessment_ids.py: member000001 has no course with a pre/post test and a survey: "
             "seed --scale made none")


def prepare(base, password, lesson, i):
    """A learner's token, attempt id and question ids: an attempt started (or resumed) at
    the pre-test with every question answered."""
    token = login(base, f"member{i:06d}@scale.bayanihan.test", password)
    attempt = request(base, "POST", f"/api/v1/lessons/{lesson}/quiz/attempts", token)
    questions = [q["question_id"] for q in attempt["questions"]]
    for q in questions:
        request(base, "PUT", f"/api/v1/attempts/{attempt['id']}/answers/{q}", token, {"choice": 0})
    return token, attempt["id"], questions


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    base, out_dir, password = sys.argv[1:4]
    learners, run = int(sys.argv[4]), int(sys.argv[5])
    admin = login(base, ADMIN, password)
    info_path = os.path.join(out_dir, "targets.json")
    if os.path.exists(info_path):
        with open(info_path) as f:
            course, lesson, survey = json.load(f)
    else:
        first = login(base, "member000001@scale.bayanihan.test", password)
        course, lesson, survey = find_targets(base, first, admin)
        with open(info_path, "w") as f:
            json.dump([course, lesson, survey], f)
        results = request(base, "GET", f"/api/v1/surveys/{survey}/results", admin)
        write(out_dir, "survey-ids.txt", [survey])
        print(f"survey {survey}: {results['responses']} responses of {results['invited']} "
              f"invited; ", end="")
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        prepared = list(pool.map(lambda i: prepare(base, password, lesson, i),
                                 range(1, learners + 1)))
    save, submit, start = [], [], []
    for token, attempt, questions in prepared:
        for n, q in enumerate(questions):
            save.append(f"/api/v1/attempts/{attempt}/answers/{q}\t{token}\t"
                        + json.dumps({"choice": (n + run) % 2}))
        submit.append(f"/api/v1/attempts/{attempt}/submit\t{token}\t{{}}")
        start.append(f"/api/v1/lessons/{lesson}/quiz/attempts\t{token}\t{{}}")
    write(out_dir, f"save-{run}.txt", save)
    write(out_dir, f"submit-{run}.txt", submit)
    write(out_dir, f"start-{run}.txt", start)
    sizes = {len(q) for _, _, q in prepared}
    print(f"run {run}: course {course}, pre-test lesson {lesson}: {len(prepared)} learners with "
          f"an open attempt of {'/'.join(str(s) for s in sorted(sizes))} questions, all answered")


if __name__ == "__main__":
    main()
