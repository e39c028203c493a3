"""kill -9 `rasoat serve` during a burst of triage writes, restart, and check that every
acknowledged decision is there and that the database passes PRAGMA integrity_check."""
import json
import os
import random
import signal
import sqlite3
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from client import Api, add_user, start  # noqa: E402

binary, corpus = sys.argv[1], sys.argv[2:]
work = tempfile.mkdtemp(prefix="rasoat-kill-")
data = os.path.join(work, "data")
port = random.randint(20000, 40000)
PW = "mat-khau-bench-123"
add_user(binary, data, "an", "quan-tri", PW)
srv = start(binary, corpus, data, port, os.path.join(work, "serve1.log"))
api = Api(port)
api.login("an", PW)
st, body = api.req("GET", "/api/findings?per=1000")
fps = [f["fingerprint"] for f in json.loads(body)["findings"]]
assert fps, "no findings to triage"

acked = {}  # fp -> highest acknowledged version
lock = threading.Lock()
stop = threading.Event()
counts = {"ok": 0, "conflict": 0, "error": 0}
STATUSES = ["xac-nhan", "khong-phai-sai-sot", "da-xu-ly", "moi"]


def writer(seed):
    rnd = random.Random(seed)
    c = Api(port)
    c.cookie, c.csrf = api.cookie, api.csrf
    while not stop.is_set():
        fp = rnd.choice(fps)
        try:
            st, b = c.req("POST", f"/api/findings/{fp}/decision",
                          {"status": rnd.choice(STATUSES), "note": f"burst {seed}"}, timeout=5)
        except Exception:
            with lock:
                counts["error"] += 1
            continue
        with lock:
            if st == 200:
                v = json.loads(b)["decision"]["version"]
                acked[fp] = max(acked.get(fp, 0), v)
                counts["ok"] += 1
            else:
                counts["conflict" if st == 409 else "error"] += 1


threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
for t in threads:
    t.start()
time.sleep(float(os.environ.get("BURST_SECS", "3")))
os.kill(srv.pid, signal.SIGKILL)  # mid-burst
srv.wait()
stop.set()
for t in threads:
    t.join()
print(f"burst: {counts['ok']} acknowledged decisions on {len(acked)} findings, "
      f"{counts['error']} requests failed (server killed)")

db = os.path.join(data, "triage.sqlite")
con = sqlite3.connect(db)
integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
con.close()
srv = start(binary, corpus, data, port, os.path.join(work, "serve2.log"))
api = Api(port)
api.login("an", PW)
missing = []
for fp, v in acked.items():
    st, b = api.req("GET", f"/api/findings/{fp}")
    d = json.loads(b)
    if d["version"] < v or len(d["history"]) < v:
        missing.append((fp, v, d["version"], len(d["history"])))
srv.terminate()
srv.wait()
con = sqlite3.connect(db)
integrity2 = con.execute("PRAGMA integrity_check").fetchone()[0]
print(f"after restart: {len(acked) - len(missing)}/{len(acked)} findings keep every acknowledged "
      f"decision; PRAGMA integrity_check: {integrity} (after kill), {integrity2} (after restart)")
if missing or integrity != "ok" or integrity2 != "ok":
    print("FAILED", missing[:10])
    sys.exit(1)
print("OK")
