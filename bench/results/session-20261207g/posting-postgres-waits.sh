#!/usr/bin/env bash
# $1: binary suffix; samples wait events during a 5-s posting run
U=$(cat /tmp/pgw.url)
b=$1
rm -rf /tmp/pgw/srv; mkdir -p /tmp/pgw/srv; cp -a /tmp/pgw/data/. /tmp/pgw/srv/
BAYANIHAN_BIND=127.0.0.1:8912 BAYANIHAN_DATA_DIR=/tmp/pgw/srv DATABASE_URL="$U" BAYANIHAN_WORKERS=1 RUST_LOG=warn taskset -c 0 /tmp/bay-$b serve >/tmp/pgw/server.log 2>&1 &
pid=$!; sleep 4
if [ -n "$PIN" ]; then pm=$(head -n1 /tmp/pgw/pg/data/postmaster.pid); taskset -a -cp 0 $pm >/dev/null; for c in $(ps -o pid= --ppid $pm); do taskset -a -cp 0 $c >/dev/null 2>&1; done; fi
T=$(curl -s localhost:8912/api/v1/auth/login -H 'content-type: application/json' -d '{"email":"member000005@scale.bayanihan.test","password":"bayanihan-demo-2026"}' | python3 -c 'import sys,json; print(json.load(sys.stdin).get("access_token",""))')
taskset -c 1 wrk -t2 -c64 -d2s -s /tmp/post.lua -H "authorization: Bearer $T" http://127.0.0.1:8912 >/dev/null
( for i in $(seq 1 300); do psql "$U" -Atc "select coalesce(wait_event_type,'-')||':'||coalesce(wait_event,'-')||':'||left(regexp_replace(query,'\s+',' ','g'),60) from pg_stat_activity where backend_type='client backend' and state='active' and pid<>pg_backend_pid()"; sleep 0.01; done ) > /tmp/pgw/waits-$b.txt &
sp=$!
taskset -c 1 wrk -t2 -c64 -d5s -s /tmp/post.lua -H "authorization: Bearer $T" http://127.0.0.1:8912 | grep -E "Requests/sec|Latency|Non-2xx"
wait $sp
kill $pid; wait $pid 2>/dev/null
sort /tmp/pgw/waits-$b.txt | uniq -c | sort -rn | head -15
