#!/usr/bin/env bash
# $1 binary suffix: posting by hand on a fresh copy of the scale-10,000 cluster (PIN=1: PostgreSQL on CPU 0 with the server)
b=$1
bash /work/main/.ci/pg stop /tmp/pgw/pg >/dev/null 2>&1
rm -rf /tmp/pgw/pg /tmp/pgw/data; cp -a /tmp/pgseed/pg /tmp/pgw/pg; cp -a /tmp/pgseed/data /tmp/pgw/data
bash /work/main/.ci/pg resume /tmp/pgw/pg 2>/dev/null | tail -1 > /tmp/pgw.url
echo "== $b $(date -u +%H:%M:%S)"
bash /tmp/pgw/run.sh $b   # ../session-20261207f/by-hand-posting-postgres.sh
bash /work/main/.ci/pg stop /tmp/pgw/pg >/dev/null 2>&1
