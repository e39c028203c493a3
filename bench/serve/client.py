"""Tiny HTTP helpers for the serve bench scripts (standard library only)."""
import http.client
import json
import subprocess
import time


class Api:
    def __init__(self, port):
        self.port = port
        self.cookie = None
        self.csrf = None

    def req(self, method, path, body=None, timeout=30):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = {}
        if self.cookie:
            h["Cookie"] = self.cookie
        if body is not None:
            h["Content-Type"] = "application/json"
            if self.csrf:
                h["X-CSRF-Token"] = self.csrf
        c.request(method, path, body=json.dumps(body) if body is not None else None, headers=h)
        r = c.getresponse()
        data = r.read()
        sc = r.getheader("Set-Cookie")
        if sc:
            self.cookie = sc.split(";")[0]
        c.close()
        return r.status, data

    def login(self, user, pw):
        st, data = self.req("POST", "/api/login", {"user": user, "password": pw})
        assert st == 200, (st, data)
        self.csrf = json.loads(data)["csrf"]


def start(binary, corpus, data, port, log):
    """Start `rasoat serve`, wait for its 'listening on' line; returns the process."""
    out = open(log, "w")
    p = subprocess.Popen(
        [binary, "serve", *corpus, "--data", data, "--addr", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=out)
    t = time.time()
    while time.time() - t < 900:
        if "listening on" in open(log).read():
            return p
        if p.poll() is not None:
            raise SystemExit(f"rasoat serve exited: {open(log).read()}")
        time.sleep(0.2)
    raise SystemExit("rasoat serve did not start")


def add_user(binary, data, name, role, pw):
    subprocess.run([binary, "user", "add", name, "--role", role, "--password-stdin", "--data", data],
                   input=pw + "\n", text=True, check=True, capture_output=True)
