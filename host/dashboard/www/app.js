// The solkit dashboard: the host's state from /api/state, live updates from /api/events
// (server-sent events; the browser reconnects by itself, and every reconnect reloads the state,
// so a host restart is only a short "reconnecting"). No framework, no CDN.
"use strict";
const $ = (id) => document.getElementById(id);
let state = null;
let device = localStorage.getItem("solkit.device") || "";
const charts = {};

function fmtKwh(mwh) { return (mwh / 1e6).toFixed(3); }
function fmtW(mw) { return Math.round(mw / 1000).toLocaleString("en-US"); }
function fmtTime(s) { return new Date(s * 1000).toISOString().slice(0, 16).replace("T", " "); }
function fmtSpan(s) {
  if (s === "unlocked") return "unlocked";
  if (s <= 0) return "none";
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60), sec = Math.floor(s % 60);
  return d > 0 ? `${d}d ${h}h ${m}m` : h > 0 ? `${h}h ${m}m ${sec}s` : `${m}m ${sec}s`;
}
function short(s) { return s ? `${s.slice(0, 8)}…` : ""; }
function esc(s) { return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]); }

function current() { return state && state.devices.find((d) => d.id === device); }

function render() {
  if (!state) return;
  $("site").textContent = `site ${state.site}`;
  const sel = $("device");
  if (!state.devices.some((d) => d.id === device)) device = state.devices.length ? state.devices[0].id : "";
  sel.innerHTML = state.devices.map((d) => `<option value="${d.id}"${d.id === device ? " selected" : ""}>${esc(d.name || short(d.id))}</option>`).join("");
  sel.hidden = state.devices.length < 2;
  const d = current();
  $("admin").hidden = !state.adminEnabled || !d;
  const rs = (state.readings[device] || []);
  const last = rs[rs.length - 1];
  $("power").textContent = last ? `${fmtW(last.power)} W` : "–";
  $("energy").textContent = last ? `${fmtKwh(last.energyIn)} kWh` : "–";
  const relay = $("relay");
  relay.textContent = last ? (last.relay ? "closed (on)" : "open (off)") : "–";
  relay.className = `big ${last ? (last.relay ? "closed" : "open") : ""}`;
  relay.dataset.state = last ? (last.relay ? "closed" : "open") : "";
  const t = d && d.teller;
  $("period").textContent = t ? `this period (${t.period}): ${t.periodEnergyKwh.toFixed(2)} kWh, ${t.periodBill}` : "";
  $("owned").textContent = t ? `${t.ownership.toFixed(1)} %` : "–";
  $("paid").textContent = t ? `paid ${t.paid}, billed ${t.billed}${t.owed !== "0.0000000" ? `, owed ${t.owed}` : ""}` : "";
  $("next").textContent = t ? `next: ${t.next}` : "";
  tick();
  drawCharts(rs);
  $("readings").tBodies[0].innerHTML = rs.slice(-15).reverse().map((r) => `<tr data-seq="${r.seq}"><td>${r.seq}</td><td>${fmtTime(r.t)}</td><td>${fmtW(r.power)}</td><td>${fmtKwh(r.energyIn)}</td><td>${r.relay ? "closed" : "open"}</td><td>${fmtSpan(r.credit)}</td><td class="ok" title="signature of reading ${r.bySeq} covers it through the hash chain">✓ by #${r.bySeq}</td></tr>`).join("");
  $("notices").innerHTML = state.notices.filter((n) => !n.device || n.device === device).slice(0, 30).map((n) => `<li class="${n.level}" data-code="${esc(n.code)}"><b>${esc(n.code)}</b> ${fmtTime(n.time)} — ${esc(n.text)}</li>`).join("");
  $("bills").tBodies[0].innerHTML = state.bills.filter((b) => b.device === device).slice(0, 20).map((b) => `<tr><td>${esc(b.period)}</td><td>${b.energyKwh.toFixed(3)}</td><td>${esc(b.bill)}</td><td>${b.seqs[0] ?? "-"}..${b.seqs[1] ?? "-"}</td><td>${b.anchorTx ? `<code title="${b.anchorTx}">${short(b.anchorTx)}</code>` : esc(b.anchorState)}</td><td>${esc(b.payState || "-")}${b.payTx ? ` <code title="${b.payTx}">${short(b.payTx)}</code>` : ""}</td></tr>`).join("");
  $("payments").tBodies[0].innerHTML = state.payments.filter((p) => p.device === device).slice(0, 20).map((p) => `<tr><td>${fmtTime(Math.floor(p.at / 1000))}</td><td>${esc(p.amount)}</td><td>${p.seconds ? fmtSpan(p.seconds) : "-"}</td><td>${p.counter || "-"}</td><td>${p.tx ? `<code title="${p.tx}">${short(p.tx)}</code>` : "-"}</td><td>${p.applied ? "applied" : p.sent ? "sent" : p.counter ? "waiting" : "booked"}</td></tr>`).join("");
}

// Credit counts down between readings as the device's own clock does.
function tick() {
  const d = current();
  const rs = state ? (state.readings[device] || []) : [];
  const last = rs[rs.length - 1];
  const el = $("credit");
  if (!d || !last) { el.textContent = "–"; return; }
  if (last.credit === "unlocked") { el.textContent = "unlocked for good"; return; }
  const since = Math.max(0, (state.now + (Date.now() - state.loadedAt) - last.receivedAt) / 1000);
  el.textContent = fmtSpan(Math.max(0, last.credit - since));
}

function drawCharts(rs) {
  const xs = rs.map((r) => r.t);
  const data = { power: [xs, rs.map((r) => r.power / 1000)], energy: [xs, rs.map((r) => r.energyIn / 1e6)] };
  for (const [key, el, label, color] of [["power", "powerChart", "W", "#e07b00"], ["energy", "energyChart", "kWh", "#1f6feb"]]) {
    const width = Math.max(300, $(el).parentElement.clientWidth - 30);
    if (!charts[key]) {
      charts[key] = new uPlot({ width, height: 220, series: [{}, { label, stroke: color, width: 2, fill: key === "power" ? "#e07b0022" : undefined }], axes: [{}, { label }] }, data[key], $(el));
    } else {
      charts[key].setData(data[key]);
    }
  }
}

async function load() {
  const res = await fetch(`/api/state${device ? `?device=${device}` : ""}`, { cache: "no-store" });
  state = await res.json();
  state.loadedAt = Date.now();
  render();
}

function connect() {
  const es = new EventSource("/api/events");
  const conn = $("conn");
  es.onopen = () => { conn.textContent = "live"; conn.className = "conn live"; load().catch(() => {}); };
  es.onerror = () => { conn.textContent = "reconnecting…"; conn.className = "conn down"; };
  es.addEventListener("readings", (e) => {
    if (!state) return;
    const m = JSON.parse(e.data);
    const list = state.readings[m.device] || (state.readings[m.device] = []);
    if (m.device !== device) { const d = state.devices.find((x) => x.id === m.device); if (d) { const r = m.readings[m.readings.length - 1]; Object.assign(d, { relay: r.relay, power: r.power, energyIn: r.energyIn, credit: r.credit, creditAt: r.receivedAt }); } return; }
    for (const r of m.readings) if (!list.length || r.seq > list[list.length - 1].seq) list.push(r);
    if (list.length > 2000) list.splice(0, list.length - 2000);
    state.now = m.now; state.loadedAt = Date.now();
    if (!state.devices.some((d) => d.id === m.device)) load().catch(() => {}); else render();
  });
  const reload = () => load().catch(() => {});
  es.addEventListener("notice", reload);
  es.addEventListener("teller", reload);
}

async function admin(action) {
  const token = $("token").value || sessionStorage.getItem("solkit.token") || "";
  sessionStorage.setItem("solkit.token", token);
  const res = await fetch(`/api/devices/${device}/${action}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: action === "topup" ? JSON.stringify({ days: 1 }) : "{}" });
  const body = await res.json();
  $("adminMsg").textContent = res.ok ? `token ${body.token} sent` : body.error;
}

$("device").addEventListener("change", (e) => { device = e.target.value; localStorage.setItem("solkit.device", device); for (const k of Object.keys(charts)) { charts[k].destroy(); delete charts[k]; } load().catch(() => {}); });
$("topup").addEventListener("click", () => admin("topup"));
$("disconnect").addEventListener("click", () => admin("disconnect"));
setInterval(tick, 1000);
connect();
