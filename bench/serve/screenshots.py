"""Screenshots of every workbench page (headless Chromium via chromedriver's WebDriver API):
Tìm kiếm, Văn bản, Phát hiện, Chi tiết, Tổng quan, Xuất, plus the login page."""
import base64
import json
import os
import random
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from client import Api, add_user, start  # noqa: E402

binary, out_dir, corpus = sys.argv[1], sys.argv[2], sys.argv[3:]
os.makedirs(out_dir, exist_ok=True)
work = os.path.join(out_dir, ".work")
data = os.path.join(work, "data")
PW = "mat-khau-anh-chup"
add_user(binary, data, "reviewer", "quan-tri", PW)
port = random.randint(20000, 40000)
srv = start(binary, corpus, data, port, os.path.join(work, "serve.log"))
base = f"http://127.0.0.1:{port}"
dport = port + 1
drv = subprocess.Popen(["chromedriver", f"--port={dport}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wd(method, path, body=None):
    req = urllib.request.Request(f"http://127.0.0.1:{dport}{path}", method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read())["value"]


try:
    for _ in range(100):
        try:
            wd("GET", "/status")
            break
        except Exception:
            time.sleep(0.1)
    browser = next(p for p in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] if os.path.exists(p))
    sid = wd("POST", "/session", {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {
        "binary": browser,
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1366,1000", "--hide-scrollbars"]}}}})["sessionId"]
    S = f"/session/{sid}"

    def shot(name, url):
        wd("POST", S + "/url", {"url": url})
        time.sleep(0.3)
        png = base64.b64decode(wd("GET", S + "/screenshot"))
        path = os.path.join(out_dir, f"{name}.png")
        open(path, "wb").write(png)
        print(f"{path} ({len(png)} bytes) <- {url}")

    shot("0-dang-nhap", base + "/dang-nhap")
    el = lambda css: wd("POST", S + "/element", {"using": "css selector", "value": css})["element-6066-11e4-a52e-4f735466cecf"]
    wd("POST", S + f"/element/{el('#user')}/value", {"text": "reviewer"})
    wd("POST", S + f"/element/{el('#password')}/value", {"text": PW})
    wd("POST", S + f"/element/{el('#login-submit')}/click", {})
    time.sleep(1)
    api = Api(port)
    api.login("reviewer", PW)
    fs = json.loads(api.req("GET", "/api/findings?per=50&sort=document")[1])["findings"]
    shot("1-tim-kiem", base + "/tim-kiem?q=phan+cap+cho+ubnd+cap+xa")
    doc = next(f["document_id"] for f in fs if f.get("document_id"))
    shot("2-van-ban", base + f"/van-ban/{doc}")
    shot("3-phat-hien", base + "/phat-hien")
    rel = next((f for f in fs if f["rule"] == "lead-agency-conflict"), fs[0])
    shot("4-chi-tiet", base + f"/phat-hien/{rel['fingerprint']}")
    shot("5-tong-quan", base + "/tong-quan")
    shot("6-xuat", base + "/xuat")
    wd("DELETE", S)
finally:
    drv.terminate()
    srv.terminate()
