#!/usr/bin/env bash
# $1 binary suffix: statements per reply and per posts page on /tmp/pgq (pg_stat_statements)
b=$1
U=$(bash /work/main/.ci/pg resume /tmp/pgq/pg 2>/dev/null | tail -1)
rm -rf /tmp/pgq-srv; mkdir -p /tmp/pgq-srv; cp -a /tmp/pgq/data/. /tmp/pgq-srv/
BAYANIHAN_BIND=127.0.0.1:8913 BAYANIHAN_DATA_DIR=/tmp/pgq-srv DATABASE_URL="$U" BAYANIHAN_WORKERS=1 RUST_LOG=warn /tmp/bay-$b serve >/tmp/pgq-srv.log 2>&1 &
pid=$!; sleep 4
T=$(curl -s localhost:8913/api/v1/auth/login -H 'content-type: application/json' -d '{"email":"member000005@scale.bayanihan.test","password":"bayanihan-demo-2026"}' | python3 -c 'import sys,json; print(json.load(sys.stdin).get("access_token",""))')
count() { psql "$U" -Atc "select coalesce(sum(calls),0) from pg_stat_statements where query not like '%pg_stat_statements%'"; }
curl -s -o /dev/null -H "authorization: Bearer $T" localhost:8913/api/v1/threads/698/posts?limit=50
sleep 1.5
psql "$U" -qAtc "select pg_stat_statements_reset()" >/dev/null
for i in $(seq 1 100); do curl -s -o /dev/null -H "authorization: Bearer $T" "localhost:8913/api/v1/threads/698/posts?limit=50"; done
echo "$b posts page: $(count) statements / 100"
psql "$U" -qAtc "select pg_stat_statements_reset()" >/dev/null
for i in $(seq 1 100); do curl -s -o /dev/null -H "authorization: Bearer $T" -H 'content-type: application/json' -d '{"body":"Thank you for sharing this. In our union we tried the same approach with the shop stewards and it worked well."}' "localhost:8913/api/v1/threads/20/posts"; done
echo "$b reply: $(count) statements / 100"
psql "$U" -Atc "select calls, left(regexp_replace(query,'\s+',' ','g'),90) from pg_stat_statements where query not like '%pg_stat_statements%' order by calls desc" > /tmp/count-$b.txt
kill $pid; wait $pid 2>/dev/null
bash /work/main/.ci/pg stop /tmp/pgq/pg >/dev/null 2>&1
