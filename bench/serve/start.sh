# Sourced by load.sh and mixed.sh (run from the repository root): start `rasoat serve "$@"` on a
# free loopback port with a fresh data folder and a `xem` account, wait until it listens, log in.
# Sets BIN, WORK, PORT, PID, COOKIE, T0 (start time); the server is killed on exit.
BIN=${RASOAT_BIN:-${CARGO_TARGET_DIR:-target}/release/rasoat}
[ -x "$BIN" ] || cargo build --release --locked
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 2; }
[ $# -gt 0 ] || set -- corpus ../shared/corpus-ext
WORK=$(mktemp -d); PORT=$((20000 + RANDOM % 20000))
printf 'mat-khau-bench-123\n' | "$BIN" user add bench --role xem --password-stdin --data "$WORK/data" 2>/dev/null
T0=$(date +%s.%N)
"$BIN" serve "$@" --data "$WORK/data" --addr 127.0.0.1:$PORT 2> "$WORK/serve.log" &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
until grep -q "listening on" "$WORK/serve.log"; do
  kill -0 $PID 2>/dev/null || { cat "$WORK/serve.log"; exit 1; }; sleep 0.5
done
COOKIE=$(curl -s -i -H 'Content-Type: application/json' -d '{"user":"bench","password":"mat-khau-bench-123"}' \
  http://127.0.0.1:$PORT/api/login | tr -d '\r' | sed -n 's/^set-cookie: \([^;]*\).*/\1/Ip')
