# The benchmark harnesses' common start (scripts/bench, scripts/bench-exports): release binaries
# linked as the image links them, the "bench" MariaDB instance with the bench dataset, the
# benchmark partner (60 accounts, limits far above what one machine can send) and its keys, and
# start_server/stop_server for a Portico on $port. Sourced after common.sh, from the repository root.

duration="${PORTICO_BENCH_DURATION:-15}"
connections=64
cores="$(nproc)"
say "building release binaries"
# Linked as deploy/Dockerfile links them (Swift runtime static), in a build directory of their
# own so the debug and plain release builds stay warm. The static runtime is worth measuring:
# direct calls to swift_retain/release and about 4 MiB less resident memory than the shared one.
static=(-c release --static-swift-stdlib --scratch-path .build-static)
swift build "${static[@]}" --product portico >&2
swift build "${static[@]}" --product portico-bench >&2
# Without DWARF, as the image installs them: the symbols stay (backtraces name functions), and
# the mapped, resident part of the binary is about 1 MiB smaller.
bin="$PORTICO_ROOT/.run/bench/bin"
mkdir -p "$bin"
for product in portico portico-bench; do
  strip --strip-debug -o "$bin/$product" "$(swift build "${static[@]}" --show-bin-path)/$product"
done

export PORTICO_DB_INSTANCE=bench
export PORTICO_DB_BUFFER_POOL="${PORTICO_DB_BUFFER_POOL:-2G}"   # the bench dataset is larger than the default pool
server=""
stop_server() { [ -n "$server" ] && kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null || true; server=""; }
# The bench instance holds a 2 GB buffer pool: stopped when the harness ends, however it ends.
stop_db_on_exit PORTICO_BENCH_KEEP_DB stop_server
scripts/db up bench
eval "$(scripts/db env)"
work="$PORTICO_ROOT/.run/bench"
mkdir -p "$work"

# The benchmark partner: 60 accounts, limits far above what one machine can send; and a
# partner whose plan allows 10 requests a minute, for P5.
"$bin/portico" migrate >/dev/null
"$bin/portico" plan set bench-unlimited --rate-limit 100000000 --rate-burst 10000000 --max-in-flight 10000 --export-cost 1 >/dev/null
"$bin/portico" plan set bench-tiny --rate-limit 10 --rate-burst 1 >/dev/null
for partner in bench limited; do
  "$bin/portico" partner show "$partner" >/dev/null 2>&1 || "$bin/portico" partner add "$partner" >/dev/null
done
"$bin/portico" partner plan bench bench-unlimited >/dev/null
"$bin/portico" partner plan limited bench-tiny >/dev/null
"$bin/portico" grant bench $(seq 1 60) >/dev/null
"$bin/portico" grant limited 1 >/dev/null
key="$("$bin/portico" key issue bench --scopes customers:read,products:read,orders:read,invoices:read 2>/dev/null)"
limited="$("$bin/portico" key issue limited --scopes orders:read 2>/dev/null)"
# P8: a well-formed key that was revoked; P9: a live key without the resource's scope.
revoked="$("$bin/portico" key issue bench --scopes orders:read 2>/dev/null)"
"$bin/portico" key revoke "$(printf '%s' "$revoked" | cut -c5-14)" >/dev/null
unscoped="$("$bin/portico" key issue bench --scopes customers:read 2>/dev/null)"
tenants="$(seq -s, 1 60)"
root_query() { mariadb --no-defaults -uroot --socket="$PORTICO_PRODUCT_DB_SOCKET" -N tradeflow -e "$1"; }
export PORTICO_BENCH_IDS="$work/ids.txt"
root_query "SELECT CONCAT('ORD-', LPAD(order_no, 8, '0')) FROM orders WHERE acct_id BETWEEN 1 AND 60 ORDER BY RAND(7) LIMIT 20000" >"$work/ids.txt"

port=18181; admin=19191
start_server() {
  PORTICO_TENANT_SPLIT="${1:-on}" "$bin/portico" serve --port "$port" --admin-port "$admin" --log-level warning \
    --anonymous-limit 100000000 --rate-limit 100000000 --rate-burst 10000000 >"$work/serve.log" 2>&1 &
  server=$!
  for _ in $(seq 1 200); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0; sleep 0.05; done
  die "portico did not start: $(tail -5 "$work/serve.log")"
}
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$server/status"; }
ticks_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # user + system CPU of a process, in clock ticks
cpu_ticks() { ticks_of "$server"; }
mariadb="$(cat "$PORTICO_ROOT/.run/db-bench/mysqld.pid")"
hz="$(getconf CLK_TCK)"
# per_request TICKS REQUESTS: CPU microseconds per request.
per_request() { awk -v t="$1" -v n="$2" -v hz="$hz" 'BEGIN {printf "%.0f", (n > 0 ? 1e6 * t / hz / n : 0)}'; }

