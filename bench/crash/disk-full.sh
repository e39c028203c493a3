#!/usr/bin/env bash
# Disk full during `--output` and during indexing: a clear error, the previous files intact.
# Needs root (mounts a small tmpfs). Usage: bench/crash/disk-full.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
bin=$(realpath "${RASOAT_BIN:-target/release/rasoat}")
mnt=$(mktemp -d)
mount -t tmpfs -o size=4m tmpfs "$mnt" || { echo "cannot mount a tmpfs (need root): skipped"; exit 0; }
trap 'umount "$mnt"; rmdir "$mnt"' EXIT
echo "phan cap" > /tmp/rasoat-q.txt
hits() { "$bin" search --index "$mnt/idx" --queries /tmp/rasoat-q.txt --format jsonl 2>/dev/null \
  | python3 -c 'import sys,json; print([(h["file"],h["line"]) for l in sys.stdin for h in json.loads(l)["hits"]])'; }
echo '{"old": true}' > "$mnt/report.json"
"$bin" index --index "$mnt/idx" corpus/000_2baec7468303b666.txt -q && echo "small index built"
before=$(hits)
# Fill the disk, leaving a few KB.
dd if=/dev/zero of="$mnt/filler" bs=4k count=100000 2>/dev/null
rm -f "$mnt/filler.small"; dd if=/dev/zero of="$mnt/filler.small" bs=1k count=0 2>/dev/null
"$bin" review corpus --format html --output "$mnt/report.json" >/dev/null 2>/tmp/rasoat-err.txt; code=$?
echo "review --output on a full disk: exit $code: $(head -c 200 /tmp/rasoat-err.txt)"
[ "$(cat "$mnt/report.json")" = '{"old": true}' ] && echo "  previous report intact" || echo "  PREVIOUS REPORT DAMAGED"
ls -a "$mnt" | grep -q '\.tmp-' && echo "  TEMPORARY LEFT BEHIND" || echo "  no temporary left"
"$bin" index --index "$mnt/idx" corpus -q 2>/tmp/rasoat-err2.txt; code=$?
echo "index update on a full disk: exit $code: $(head -c 200 /tmp/rasoat-err2.txt)"
[ "$before" = "$(hits)" ] && echo "  search still gives the last committed results" || echo "  SEARCH CHANGED"
rm -f "$mnt/filler"
"$bin" index --index "$mnt/idx" corpus/000_2baec7468303b666.txt -q && echo "after space is freed, the next index run completes"
