#!/usr/bin/env python3
"""Prepares the library part of bench/run.sh: id lists and files, through the API.

    python3 bench/library_ids.py BASE_URL OUT_DIR PASSWORD STATIC_PATH RANGE_BYTES UPLOADS

Writes into OUT_DIR (one item a line):
  resource-ids.txt   every published public resource (anonymous GET /api/v1/resources,
                     following next_cursor);
  search-words.txt   the words of WORDS that find at least one resource;
  download-path.txt  the content path of a public file as large as STATIC_PATH (the
                     static asset it is compared with), uploaded here as the demo trainer;
  range-path.txt     the content path of a public file of RANGE_BYTES bytes (ranged
                     downloads), uploaded here too;
  upload-ids.txt     UPLOADS fresh resources of the trainer's, one for each uploading client.
Prints one summary line. Standard library only.
"""

import json
import sys
import urllib.error
import urllib.parse
import urllib.request

TRAINER = "trainer@demo.bayanihan.org"
# Words of the demo and scale resources' titles and descriptions, and one that finds nothing
# is dropped (the search runs only over words with hits).
WORDS = [
    "synthetic", "resource", "toolkit", "workers", "safety", "wages", "organising",
    "climate", "youth", "agreement", "heat", "platform", "union", "benchmarks", "policy",
    "brief", "slides", "document", "osh", "rights",
]


def request(base, method, path, token=None, body=None, raw=None, headers=None):
    data, hdrs = None, dict(headers or {})
    if body is not None:
        data = json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    if raw is not None:
        data = raw
        hdrs["Content-Type"] = "application/octet-stream"
    if token:
        hdrs["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(base + path, data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(req, timeout=300) as res:
            payload = res.read()
    except urllib.error.HTTPError as err:
        sys.exit(f"library_ids.py: {method} {path} answered {err.code}: {err.read()[:500]!r}")
    return payload


def get_json(base, path, token=None):
    return json.loads(request(base, "GET", path, token))


def login(base, email, password):
    body = {"email": email, "password": password}
    return json.loads(request(base, "POST", "/api/v1/auth/login", body=body))["access_token"]


def public_resources(base):
    ids, cursor = [], None
    while True:
        path = "/api/v1/resources?limit=100"
        if cursor:
            path += "&cursor=" + urllib.parse.quote(cursor)
        page = get_json(base, path)
        ids += [item["id"] for item in page["items"]]
        cursor = page.get("next_cursor")
        if not cursor:
            return ids


def new_resource(base, token, title):
    body = {
        "kind": "document",
        "default_language": "en",
        "title": title,
        "description": "Made by bench/library_ids.py for the library benchmark.",
        "licence": "CC-BY-4.0",
        "visibility": "public",
        "topics": ["benchmark"],
    }
    return json.loads(request(base, "POST", "/api/v1/resources", token, body=body))["id"]


def text_bytes(size):
    """Plain ASCII text of exactly `size` bytes (a .txt file passes the type check)."""
    line = b"Bayanihan: the spirit of communal unity and cooperation.\n"
    return (line * (size // len(line) + 1))[:size]


def upload(base, token, resource, size, name):
    path = f"/api/v1/resources/{resource}/files?language=en&file_name={name}"
    file = json.loads(request(base, "POST", path, token, raw=text_bytes(size)))
    return f"/api/v1/resources/{resource}/files/{file['id']}/content"


def main():
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    base, out_dir, password, static_path = sys.argv[1:5]
    range_bytes, uploads = int(sys.argv[5]), int(sys.argv[6])

    static_size = len(request(base, "GET", static_path))
    token = login(base, TRAINER, password)
    download = upload(base, token, new_resource(base, token, "Benchmark download"),
                      static_size, "download.txt")
    ranged = upload(base, token, new_resource(base, token, "Benchmark ranged download"),
                    range_bytes, "ranged.txt")
    upload_ids = [new_resource(base, token, f"Benchmark upload {i:02d}") for i in range(uploads)]

    resources = public_resources(base)
    words = [w for w in WORDS if get_json(base, f"/api/v1/resources?q={w}&limit=1")["items"]]
    if not words:
        sys.exit("library_ids.py: no search word finds a resource")

    def write(name, lines):
        with open(f"{out_dir}/{name}", "w") as f:
            f.writelines(f"{line}\n" for line in lines)

    write("resource-ids.txt", resources)
    write("search-words.txt", words)
    write("download-path.txt", [download])
    write("range-path.txt", [ranged])
    write("upload-ids.txt", upload_ids)
    print(f"{len(resources)} public resources, {len(words)} search words with hits, "
          f"download file {static_size} bytes (as {static_path}), ranged file {range_bytes} "
          f"bytes, {uploads} resources to upload to")


if __name__ == "__main__":
    main()
