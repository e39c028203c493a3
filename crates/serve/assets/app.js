// rasoat workbench: the little script the pages need (login, decisions, re-review progress).
// No framework, no network beyond this server. Every state-changing call sends X-CSRF-Token.
"use strict";
(function () {
  const csrf = () => (document.querySelector('meta[name="csrf"]') || {}).content || "";
  const $ = (id) => document.getElementById(id);
  async function post(url, body) {
    const r = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify(body || {}),
    });
    let data = {};
    try { data = await r.json(); } catch (e) { /* empty body */ }
    return { ok: r.ok, status: r.status, data };
  }
  function say(text, bad) {
    const m = $("msg");
    if (m) { m.textContent = text; m.className = bad ? "msg bad" : "msg"; }
  }

  const login = $("login");
  if (login) login.addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = await post("/api/login", { user: $("user").value, password: $("password").value });
    if (r.ok) location.href = login.dataset.next || "/tong-quan";
    else say(r.data.error || "Đăng nhập không thành công", true);
  });

  const setup = $("setup");
  if (setup) setup.addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = await post("/api/setup", { token: setup.dataset.token, user: $("user").value, password: $("password").value });
    if (r.ok) location.href = "/tong-quan";
    else say(r.data.error || "Không tạo được tài khoản", true);
  });

  const logout = $("logout");
  if (logout) logout.addEventListener("click", async () => {
    await post("/api/logout");
    location.href = "/dang-nhap";
  });

  const form = $("decision");
  if (form) form.querySelectorAll(".decide-btn").forEach((b) => b.addEventListener("click", async () => {
    const r = await post("/api/findings/" + encodeURIComponent(form.dataset.fp) + "/decision", {
      status: b.dataset.status, note: $("note").value, version: Number(form.dataset.version),
    });
    if (r.ok) {
      form.dataset.version = r.data.decision.version;
      $("status").textContent = b.textContent;
      $("status").className = "st " + b.dataset.status;
      say("Đã lưu: " + b.textContent);
      setTimeout(() => location.reload(), 400);
    } else if (r.status === 409) {
      say("Xung đột: " + (r.data.error || "người khác vừa sửa phát hiện này") + " — tải lại trang để xem.", true);
    } else {
      say(r.data.error || "Không lưu được", true);
    }
  }));

  const addUser = $("add-user");
  if (addUser) addUser.addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = await post("/api/users", { user: $("new-user").value, password: $("new-password").value, role: $("new-role").value });
    if (r.ok) location.reload();
    else say(r.data.error || "Không lưu được", true);
  });

  const box = $("rerun-box");
  async function poll() {
    const r = await fetch("/api/review", { credentials: "same-origin" });
    if (!r.ok) return;
    const p = (await r.json()).progress;
    $("progress").textContent = p.running
      ? "đang chạy: " + p.stage + " " + p.done + "/" + p.total + " (các trang vẫn hiện kết quả cũ)"
      : p.error ? "lỗi: " + p.error : "xong lúc " + (p.finished_at || "");
    if (p.running) setTimeout(poll, 1000);
    else if (box.dataset.running === "true" || box.dataset.started) location.reload();
  }
  if (box) {
    if (box.dataset.running === "true") poll();
    const b = $("rerun");
    if (b) b.addEventListener("click", async () => {
      const r = await post("/api/review");
      if (r.ok || r.status === 409) { box.dataset.started = "1"; poll(); }
      else $("progress").textContent = r.data.error || "không chạy được";
    });
  }
})();
