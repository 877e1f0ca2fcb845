#!/usr/bin/env python3
"""Before/after table of two sets of bench/run.sh results.

    python3 bench/compare.py BEFORE.md... -- AFTER.md...

Each argument is a result file of bench/run.sh (bench/results/<part->db-<stamp>.md). The
"Ratios to /health/live" tables are read; an endpoint is matched across the two sets by
its database (from the file's name) and its method and path (the words in parentheses after it, which say how
ids were drawn, may differ). Prints one Markdown row per endpoint of the "after" set:
req/s, the ratio to the paired /health/live runs to four places (req/s over the ceiling
the table names) and p99, before and after. Standard library only.
"""

import re
import sys

ROW = re.compile(r"^\| `(?P<name>[^`]+)`(?P<rest>.*)$")


def key(name):
    """The method and path of an endpoint's name, without the parenthesised remark."""
    return re.sub(r"\s*\(.*$", "", name).strip()


def read(paths):
    """{(db, endpoint): (name, req/s, ratio, p99)} of the ratio tables in `paths`."""
    rows = {}
    for path in paths:
        db = "postgres" if "postgres" in path.rsplit("/", 1)[-1] else "sqlite"
        in_ratios = True
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if line.startswith("### "):
                    in_ratios = not line.startswith("### Every run")
                    continue
                if not in_ratios:
                    continue
                m = ROW.match(line)
                if not m or "(ceiling)" in line:
                    continue
                cells = [c.strip() for c in m.group("rest").strip().strip("|").split("|")]
                try:
                    rps = float(cells[0])
                    p99 = float(cells[2])
                except (IndexError, ValueError):
                    continue
                ratio = None
                for cell in cells:
                    of = re.search(r"\(of (\d+)\)", cell)
                    if of:
                        ratio = rps / float(of.group(1))
                        break
                if ratio is None:
                    continue
                rows[(db, key(m.group("name")))] = (m.group("name"), rps, ratio, p99)
    return rows


def main(argv):
    if "--" not in argv:
        sys.exit(__doc__)
    cut = argv.index("--")
    before, after = read(argv[:cut]), read(argv[cut + 1 :])
    print("| db | endpoint | before req/s | before ratio | before p99 ms "
          "| after req/s | after ratio | after p99 ms | after / before (ratio) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for (db, k), (name, rps, ratio, p99) in sorted(after.items(), key=lambda kv: (kv[0][0] != "sqlite", kv[0][0])):
        old = before.get((db, k))
        if old:
            b = f"{old[1]:,.0f} | {old[2]:.4f} | {old[3]:.1f}"
            change = f"{ratio / old[2]:.2f}×" if old[2] else "-"
        else:
            b, change = "- | - | -", "-"
        print(f"| {db} | `{name}` | {b} | {rps:,.0f} | {ratio:.4f} | {p99:.1f} | {change} |")


if __name__ == "__main__":
    main(sys.argv[1:])
