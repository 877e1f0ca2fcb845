#!/usr/bin/env bash
# CPU split between the server and PostgreSQL during a pinned 5-s posting run. $1: binary suffix
b=$1
bash /work/main/.ci/pg stop /tmp/pgw/pg >/dev/null 2>&1; rm -rf /tmp/pgw/pg /tmp/pgw/data; cp -a /tmp/pgseed/. /tmp/pgw/
U=$(bash /work/main/.ci/pg resume /tmp/pgw/pg | tail -1)
rm -rf /tmp/pgw/srv; mkdir -p /tmp/pgw/srv; cp -a /tmp/pgw/data/. /tmp/pgw/srv/
BAYANIHAN_BIND=127.0.0.1:8912 BAYANIHAN_DATA_DIR=/tmp/pgw/srv DATABASE_URL="$U" BAYANIHAN_WORKERS=1 RUST_LOG=warn taskset -c 0 /tmp/bay-$b serve >/tmp/pgw/server.log 2>&1 &
pid=$!; sleep 4
pm=$(head -n1 /tmp/pgw/pg/data/postmaster.pid); taskset -a -cp 0 $pm >/dev/null; for c in $(ps -o pid= --ppid $pm); do taskset -a -cp 0 $c >/dev/null 2>&1; done
T=$(curl -s localhost:8912/api/v1/auth/login -H 'content-type: application/json' -d '{"email":"member000005@scale.bayanihan.test","password":"bayanihan-demo-2026"}' | python3 -c 'import sys,json; print(json.load(sys.stdin).get("access_token",""))')
taskset -c 1 wrk -t2 -c64 -d2s -s /tmp/post.lua -H "authorization: Bearer $T" http://127.0.0.1:8912 >/dev/null
ticks() { # utime+stime of a process and its threads
  awk '{print $14+$15}' /proc/$1/stat 2>/dev/null || echo 0; }
pgticks() { local s=0; for c in $pm $(ps -o pid= --ppid $pm); do s=$((s + $(ticks $c))); done; echo $s; }
s0=$(ticks $pid); p0=$(pgticks)
taskset -c 1 wrk -t2 -c64 -d5s -s /tmp/post.lua -H "authorization: Bearer $T" http://127.0.0.1:8912 | grep -E "Requests/sec"
s1=$(ticks $pid); p1=$(pgticks)
echo "server $((s1-s0)) ticks, postgres $((p1-p0)) ticks (of ~500 on one core)"
kill $pid; wait $pid 2>/dev/null
bash /work/main/.ci/pg stop /tmp/pgw/pg >/dev/null 2>&1
