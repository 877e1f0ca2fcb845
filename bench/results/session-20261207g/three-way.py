"""Three-way table of bench/README.md's last full run: see README.md here."""
import os, re, sys
BENCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
sys.path.insert(0, BENCH)
import compare
readme = open(os.path.join(BENCH, 'README.md'), encoding='utf-8').read()
sec = readme[readme.index('### Every endpoint, quiet, before and after'):readme.index('#### Resident memory')]
orig = {}
for line in sec.splitlines():
    m = re.match(r"^\| (sqlite|postgres) \| `([^`]+)` \| ([^|]+) \| ([^|]+) \| ([^|]+) \|", line)
    if m and m.group(3).strip() != '-':
        orig[(m.group(1), compare.key(m.group(2)))] = (m.group(3).strip(), float(m.group(4)), m.group(5).strip())
mid = compare.read(sys.argv[1].split(','))
now = compare.read(sys.argv[2].split(','))
print("| db | endpoint | `9a29ca5` ratio (p99 ms) | `7925130` ratio (p99 ms) | now: req/s | ratio | p99 ms | now / `9a29ca5` |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for (db, k), (name, rps, ratio, p99) in sorted(now.items(), key=lambda kv: (kv[0][0] != "sqlite",)):
    o = orig.get((db, k)); m = mid.get((db, k))
    os_ = f"{o[1]:.4f} ({o[2]})" if o else "-"
    ms = f"{m[2]:.4f} ({m[3]:.1f})" if m else "-"
    ch = f"{ratio/o[1]:.2f}×" if o else "-"
    print(f"| {db} | `{name}` | {os_} | {ms} | {rps:,.0f} | {ratio:.4f} | {p99:.1f} | {ch} |")
