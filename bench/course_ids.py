#!/usr/bin/env python3
"""Id lists for the courses part of bench/run.sh, fetched through the API (stdlib only).

    python3 bench/course_ids.py BASE_URL OUT_DIR EMAIL PASSWORD [SAMPLE]

Writes, one id a line, into OUT_DIR:
  course-ids.txt      every published PUBLIC course of the catalogue (anonymous
                      GET /api/v1/courses?limit=100, following next_cursor);
  lesson-ids.txt      the lessons of SAMPLE (default 50) of those courses, picked at random
                      with a fixed seed, from their outlines (GET /api/v1/courses/{id});
  member-courses.txt  the courses EMAIL is enrolled in (POST /api/v1/auth/login, then
                      GET /api/v1/me/enrolments);
  member-lessons.txt  the lessons of those courses a PUT completion may mark done (quiz
                      lessons left out: they are done by passing the quiz), from their outlines.
Prints one summary line to stdout; exits non-zero (with the reason on stderr) when a
request does not answer 200 or a list would be empty.
"""

import json
import random
import sys
import urllib.error
import urllib.parse
import urllib.request

SEED = 2026


def request(base, method, path, token=None, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return json.load(res)
    except urllib.error.HTTPError as e:
        detail = e.read()[:500].decode("utf-8", "replace")
        sys.exit(f"course_ids.py: {method} {path} answered {e.code}: {detail}")


def pages(base, path, token=None):
    """Every item of a cursor-paged list."""
    cursor = None
    while True:
        sep = "&" if "?" in path else "?"
        url = path if cursor is None else f"{path}{sep}cursor={urllib.parse.quote(cursor)}"
        page = request(base, "GET", url, token)
        yield from page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return


def lessons_of(base, course_id, token=None, completable=False):
    """The course's lesson ids; with `completable`, only those a PUT completion may mark
    done (a quiz lesson is done only by passing its quiz: 409 `completed_by_quiz`)."""
    course = request(base, "GET", f"/api/v1/courses/{course_id}", token)
    return [
        lesson["id"]
        for module in course["modules"]
        for lesson in module["lessons"]
        if not (completable and lesson["kind"] == "quiz")
    ]


def write(path, ids):
    with open(path, "w", encoding="ascii") as f:
        f.writelines(f"{i}\n" for i in ids)


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    base, out, email, password = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3], sys.argv[4]
    sample = int(sys.argv[5]) if len(sys.argv) == 6 else 50

    published = [c for c in pages(base, "/api/v1/courses?limit=100") if not c.get("deleted")]
    public = sorted(c["id"] for c in published if c["visibility"] == "public")
    if not public:
        sys.exit("course_ids.py: the catalogue holds no public course")
    picked = sorted(random.Random(SEED).sample(public, min(sample, len(public))))
    lessons = [lesson for c in picked for lesson in lessons_of(base, c)]
    if not lessons:
        sys.exit("course_ids.py: the sampled public courses hold no lesson")

    login = request(base, "POST", "/api/v1/auth/login", body={"email": email, "password": password})
    token = login["access_token"]
    enrolled = sorted(
        e["course_id"] for e in pages(base, "/api/v1/me/enrolments?limit=100", token) if not e.get("deleted")
    )
    if not enrolled:
        sys.exit(f"course_ids.py: {email} is enrolled in no course")
    member_lessons = [lesson for c in enrolled for lesson in lessons_of(base, c, token, completable=True)]
    if not member_lessons:
        sys.exit(f"course_ids.py: the courses of {email} hold no lesson")

    write(f"{out}/course-ids.txt", public)
    write(f"{out}/lesson-ids.txt", lessons)
    write(f"{out}/member-courses.txt", enrolled)
    write(f"{out}/member-lessons.txt", member_lessons)
    print(
        f"{len(public)} public of {len(published)} published courses; {len(lessons)} lessons of"
        f" {len(picked)} sampled public courses; {email}: {len(enrolled)} courses"
        f" ({', '.join(map(str, enrolled))}), {len(member_lessons)} lessons"
    )


if __name__ == "__main__":
    main()
