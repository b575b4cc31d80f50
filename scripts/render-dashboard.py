#!/usr/bin/python3
"""Renders the Grafana dashboard of manifests/monitoring/grafana_dashboard.yaml to a PNG from the
demo's real metrics, without Grafana (Debian does not package it).

It starts `scripts/demo.sh` in a private DEMO_DIR, a real Prometheus (Debian's /usr/bin/prometheus)
that scrapes both demo managers every 2 s (with `pod` labels, as the ServiceMonitor's targets have
in a cluster), and drives the demo for a few minutes so the graphs have shape: new overdue
after-sales rows and profit-sharing orders every round, run-now annotations, every-minute
schedules (for lateness), a small per-run cap (so a backlog builds and drains), a few rows the
database refuses (PartiallyFailed runs), WeChat Pay mock faults (429/500) and a leader hand-over.
Then it evaluates every panel's queries through Prometheus' HTTP API (query_range) and draws the
panels at their gridPos in a dark Grafana-like layout with matplotlib.

    scripts/render-dashboard.py [--duration 150] [--output docs/grafana-dashboard.png]

Needs `make build` first, plus python3-matplotlib. Everything it starts (the demo with its
PostgreSQL, API server, mock and managers; Prometheus) is stopped on exit, Ctrl-C included.
"""

import argparse
import datetime
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = ROOT / "manifests" / "monitoring" / "grafana_dashboard.yaml"
PROMETHEUS = "/usr/bin/prometheus"
SCRAPE_SECONDS = 2
# What Grafana would put for $__rate_interval at this zoom is ~4 scrapes; a little more keeps the
# sparse run counters readable on a few minutes of data.
RATE_INTERVAL = "30s"
ROUND_SECONDS = 15

# Grafana's dark theme.
BG, PANEL_BG, BORDER, TEXT, MUTED, GRID = "#111217", "#181b1f", "#2a2d33", "#ccccdc", "#8e8e9e", \
    "#25282d"
PALETTE = ["#73BF69", "#F2CC0C", "#8AB8FF", "#FF780A", "#F2495C", "#5794F2", "#B877D9",
           "#FADE2A", "#96D98D", "#FFB357", "#CA95E5", "#FF7383", "#56A64B", "#E0B400"]
SEMANTIC = [(re.compile(r"PartiallyFailed|429|RATELIMIT|not.ready|Stalled"), "#FF9830"),
            (re.compile(r"Failed|failed|DeadlineExceeded|\b5\d\d\b|error|not Ready"), "#F2495C"),
            (re.compile(r"Succeeded|downloaded|FINISHED|\bsuccess"), "#73BF69")]


def log(msg):
    print(f"render-dashboard: {msg}", flush=True)


# --- processes ------------------------------------------------------------------------------------

class Stack:
    """The demo and Prometheus; stop() ends both, whatever state they are in."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.demo_dir = workdir / "demo"
        self.demo = None
        self.prometheus = None
        self.prom_url = None
        self.env = dict(os.environ, KUBECONFIG=str(self.demo_dir / "kubeconfig"),
                        KUBECACHEDIR=str(self.demo_dir / "kubecache"))

    def start_demo(self, timeout=420):
        out = open(self.workdir / "demo.out", "w")
        env = dict(os.environ, DEMO_DIR=str(self.demo_dir))
        env.pop("DEMO_DURATION", None)
        # Own session: SIGINT to the group is what Ctrl-C does, and demo.sh's trap then stops
        # every server it started.
        self.demo = subprocess.Popen(["bash", str(ROOT / "scripts" / "demo.sh")], env=env,
                                     stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = (self.workdir / "demo.out").read_text(errors="replace")
            if "The stack keeps running" in text:
                return
            if self.demo.poll() is not None:
                raise RuntimeError(f"the demo exited ({self.demo.returncode}):\n{text[-3000:]}")
            time.sleep(1)
        raise RuntimeError(f"the demo did not come up in time; see {self.workdir / 'demo.out'}")

    def start_prometheus(self):
        targets = (self.demo_dir / "metrics-targets").read_text().split()
        if len(targets) != 2:
            raise RuntimeError(f"expected two manager targets, got {targets}")
        config = {
            "global": {"scrape_interval": f"{SCRAPE_SECONDS}s",
                       "evaluation_interval": f"{SCRAPE_SECONDS}s"},
            "scrape_configs": [{
                "job_name": "orderops-metrics",
                "honor_labels": True,
                "static_configs": [{"targets": [t], "labels": {"pod": f"orderops-manager-{i + 1}"}}
                                   for i, t in enumerate(targets)],
            }],
        }
        prom_dir = self.workdir / "prometheus"
        prom_dir.mkdir()
        (prom_dir / "prometheus.yml").write_text(yaml.safe_dump(config))
        port = free_port()
        self.prom_url = f"http://127.0.0.1:{port}"
        self.prometheus = subprocess.Popen(
            [PROMETHEUS, f"--config.file={prom_dir / 'prometheus.yml'}",
             f"--storage.tsdb.path={prom_dir / 'data'}", f"--web.listen-address=127.0.0.1:{port}",
             "--storage.tsdb.retention.time=1d"],
            stdout=open(prom_dir / "prometheus.log", "w"), stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)
        for _ in range(120):
            try:
                with urllib.request.urlopen(self.prom_url + "/-/ready", timeout=2) as r:
                    if r.status == 200:
                        return targets
            except OSError:
                pass
            if self.prometheus.poll() is not None:
                raise RuntimeError("prometheus exited; see " + str(prom_dir / "prometheus.log"))
            time.sleep(0.5)
        raise RuntimeError("prometheus did not become ready")

    def stop(self):
        for name, proc, first in (("prometheus", self.prometheus, signal.SIGTERM),
                                  ("demo", self.demo, signal.SIGINT)):
            if proc is None or proc.poll() is not None:
                continue
            for sig, wait in ((first, 30), (signal.SIGTERM, 10), (signal.SIGKILL, 5)):
                try:
                    os.killpg(proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    proc.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    log(f"{name} still running after {sig.name}")
        # demo.sh's children were started in its process group: make sure none outlived it.
        if self.demo is not None:
            try:
                os.killpg(self.demo.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def kubectl(self, *args):
        return subprocess.run(["kubectl", *args], env=self.env, capture_output=True, text=True,
                              timeout=60, check=True).stdout

    def psql(self, sql):
        url = (self.demo_dir / "db-url").read_text().strip()
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url], input=sql, text=True,
                       capture_output=True, timeout=60, check=True)

    def mock(self, path, body):
        url = re.search(r"http://[^ \s]*", (self.demo_dir / "wechatpay-mock.log").read_text())
        req = urllib.request.Request(url.group(0).rstrip("/") + path,
                                     data=json.dumps(body).encode(), method="POST")
        with urllib.request.urlopen(req, timeout=10) as r:
            r.read()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the demo's workload -------------------------------------------------------------------------

def prepare(stack):
    """Schedules every minute (scheduled runs measure lateness), a cap per after-sales run so the
    backlog builds and drains, and a database trigger that refuses rows named BAD* (one bad row
    makes a run PartiallyFailed and stays in the backlog)."""
    stack.kubectl("patch", "atp", "-n", "shop", "shop-aftersales", "--type", "merge", "-p",
                  json.dumps({"spec": {"schedule": "* * * * *", "maxRecordsPerRun": 500,
                                       "batchSize": 50}}))
    stack.kubectl("patch", "pss", "-n", "shop", "merchant-1900009191", "--type", "merge", "-p",
                  json.dumps({"spec": {"sync": {"schedule": "* * * * *"}}}))
    stack.psql("""
CREATE FUNCTION demo_refuse_bad_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'demo: row % refused by the shop', NEW.reference_number; END $$;
CREATE TRIGGER demo_refuse_bad_rows BEFORE UPDATE ON order_aftersales FOR EACH ROW
  WHEN (NEW.reference_number LIKE 'BAD%') EXECUTE FUNCTION demo_refuse_bad_rows();
""")


def workload_round(stack, n, mch_orders):
    rows = 250 + (n % 4) * 150
    first = 100000 + n * 1000
    bad = "'BAD' || g" if n == 2 else "'AS' || g"
    stack.psql(f"""
INSERT INTO order_aftersales (id, type, reference_number, state, stage, auto_process_time,
                              create_time, update_time)
SELECT g, (ARRAY['refund_only','return_refund','exchange'])[1 + g % 3],
       CASE WHEN g < {first} + 3 THEN {bad} ELSE 'AS' || g END,
       (ARRAY['pending_approval','pending_return','pending_receive'])[1 + g % 3], 'apply',
       now() - (g % 40) * interval '1 hour', now() - interval '5 days', now() - interval '5 days'
FROM generate_series({first}, {first + rows - 1}) g;
""")
    # New PROCESSING profit-sharing orders, known to the mock, for sync to poll.
    values = []
    for i in range(6):
        k = mch_orders + i
        tx, out = f"4300{k:08d}", f"PSR{k:07d}"
        stack.mock("/admin/transactions", {"transaction_id": tx, "amount": 10000,
                                           "max_ratio": 10000})
        stack.mock("/admin/orders", {"transaction_id": tx, "out_order_no": out,
                                     "state": "PROCESSING",
                                     "receivers": [{"type": "MERCHANT_ID", "account": "1900000109",
                                                    "amount": 800, "description": "platform fee"}]})
        values.append(f"(1, '{tx}', '{out}', 'PROCESSING', 'SPLIT', false, now(), now())")
    stack.psql("INSERT INTO wechat_pay_profit_share_order (merchant_id, transaction_id,"
               " out_order_no, state, kind, unfreeze_unsplit, create_time, update_time) VALUES "
               + ", ".join(values) + ";")
    if n % 2 == 1:
        stack.mock("/admin/faults", {"kind": "429", "count": 2})
    if n % 3 == 1:
        stack.mock("/admin/faults", {"kind": "500", "count": 1})
    token = f"render-{n}"
    stack.kubectl("annotate", "atp", "-n", "shop", "shop-aftersales", "--overwrite",
                  f"orderops.io/run-now={token}")
    annotations = [f"orderops.io/run-now-sync={token}"]
    if n % 3 == 2:
        annotations += [f"orderops.io/run-now-retry={token}",
                        f"orderops.io/run-now-unfreeze={token}",
                        f"orderops.io/run-now-download-bill={token}"]
    stack.kubectl("annotate", "pss", "-n", "shop", "merchant-1900009191", "--overwrite",
                  *annotations)
    return mch_orders + 6


def hand_over_leadership(stack, targets):
    """SIGTERM to the leading manager (found by its metrics port): it releases the lease and the
    other replica takes over, which the leader panel shows."""
    value = query(stack.prom_url, "orderops_leader == 1")
    if not value:
        log("no leader to hand over")
        return
    address = value[0]["metric"]["instance"]
    port = address.rsplit(":", 1)[1]
    out = subprocess.run(["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True,
                         timeout=10).stdout
    pid = re.search(r"pid=(\d+)", out)
    if not pid:
        log(f"cannot find the process on {address}")
        return
    log(f"stopping the leader {value[0]['metric'].get('pod')} (pid {pid.group(1)})")
    os.kill(int(pid.group(1)), signal.SIGTERM)


# --- Prometheus queries --------------------------------------------------------------------------

def api(url, path, params):
    with urllib.request.urlopen(f"{url}{path}?{urllib.parse.urlencode(params)}", timeout=30) as r:
        body = json.load(r)
    if body.get("status") != "success":
        raise RuntimeError(f"{path} {params}: {body}")
    return body["data"]["result"]


def query(url, expr, at=None):
    params = {"query": expr}
    if at is not None:
        params["time"] = at
    return api(url, "/api/v1/query", params)


def substitute(expr, interval="15s"):
    return expr.replace("$__rate_interval", RATE_INTERVAL).replace("$__interval", interval) \
        .replace("$namespace", ".*").replace("${namespace}", ".*")


def seconds(duration):
    return int(duration[:-1]) * {"s": 1, "m": 60, "h": 3600}[duration[-1]]


def legend(fmt, metric, expr):
    if fmt and fmt != "__auto":
        return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: metric.get(m.group(1), ""), fmt).strip()
    labels = ", ".join(f'{k}="{v}"' for k, v in sorted(metric.items()) if k != "__name__")
    return labels or expr


# --- drawing --------------------------------------------------------------------------------------

def fmt_value(v, unit):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "No data"
    if unit == "percentunit":
        return f"{v * 100:.1f}%"
    if unit == "s":
        a = abs(v)
        if a == 0:
            return "0 s"
        if a < 1:
            return f"{v * 1000:.0f} ms"
        if a < 120:
            return f"{v:.1f} s"
        if a < 7200:
            return f"{v / 60:.1f} min"
        if a < 172800:
            return f"{v / 3600:.1f} hour"
        return f"{v / 86400:.1f} day"
    suffix = {"reqps": " req/s", "rowsps": " rows/s", "ops": " ops/s"}.get(unit, "")
    a = abs(v)
    if a >= 1000:
        text = f"{v / 1000:.1f}K"
    elif a >= 100 or float(v).is_integer():
        text = f"{v:.0f}"
    elif a >= 1:
        text = f"{v:.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{v:.3f}".rstrip("0").rstrip(".")
    return text + suffix


def series_color(name, used):
    for pattern, color in SEMANTIC:
        if pattern.search(name) and color not in used:
            return color
    for color in PALETTE:
        if color not in used:
            return color
    return PALETTE[len(used) % len(PALETTE)]


class Renderer:
    COL_PX = 1600 / 24
    ROW_PX = 36
    HEADER_PX = 56
    MARGIN_PX = 4

    def __init__(self, dashboard, prom_url, start, end, step):
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib import dates as mdates
        self.plt, self.mdates = plt, mdates
        self.dashboard, self.url = dashboard, prom_url
        self.start, self.end, self.step = start, end, step
        rows = max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in dashboard["panels"])
        self.width = 1600
        self.height = self.HEADER_PX + rows * self.ROW_PX + 8
        self.fig = plt.figure(figsize=(self.width / 100, self.height / 100), dpi=100, facecolor=BG)
        self.empty = []

    def box(self, g):
        """Figure coordinates (left, bottom, width, height) of a gridPos."""
        x = g["x"] * self.COL_PX + self.MARGIN_PX
        y = self.HEADER_PX + g["y"] * self.ROW_PX + self.MARGIN_PX
        w = g["w"] * self.COL_PX - 2 * self.MARGIN_PX
        h = g["h"] * self.ROW_PX - 2 * self.MARGIN_PX
        return x / self.width, 1 - (y + h) / self.height, w / self.width, h / self.height

    def px(self, n, horizontal=False):
        return n / (self.width if horizontal else self.height)

    def header(self):
        f = self.fig
        started = datetime.datetime.fromtimestamp(self.start).strftime("%Y-%m-%d %H:%M:%S")
        ended = datetime.datetime.fromtimestamp(self.end).strftime("%H:%M:%S")
        f.text(self.px(14, True), 1 - self.px(30), "☰  " + self.dashboard["title"], color=TEXT,
               fontsize=16, weight="bold", va="center")
        f.text(self.px(180, True), 1 - self.px(30),
               "Data source: Prometheus (make demo)    Namespace: All", color=MUTED, fontsize=10,
               va="center")
        f.text(1 - self.px(14, True), 1 - self.px(30), f"{started} to {ended}    "
               f"rate interval {RATE_INTERVAL}", color=MUTED, fontsize=10, va="center", ha="right")

    def panel_frame(self, panel):
        left, bottom, w, h = self.box(panel["gridPos"])
        ax = self.fig.add_axes([left, bottom, w, h])
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_facecolor(PANEL_BG)
        for spine in ax.spines.values():
            spine.set_color(BORDER)
        title_h = self.px(26)
        self.fig.text(left + self.px(8, True), bottom + h - title_h / 2 - self.px(2),
                      panel["title"], color=TEXT, fontsize=10, weight="bold", va="center")
        return left, bottom, w, h, title_h

    def range_series(self, panel):
        out = []
        # A panel's "interval" is Grafana's minimum step; $__interval is the step used.
        step = max(self.step, seconds(panel["interval"]) if panel.get("interval") else 0)
        self.panel_step = step
        for target in panel["targets"]:
            expr = substitute(target["expr"], f"{step}s")
            result = api(self.url, "/api/v1/query_range",
                         {"query": expr, "start": self.start, "end": self.end, "step": step})
            if not result:
                self.empty.append(f"{panel['title']}: {target['expr']}")
            # query_range answers at start + k * step; a common grid lets series stack.
            count = int((self.end - self.start) // step) + 1
            xs = [datetime.datetime.fromtimestamp(self.start + k * step) for k in range(count)]
            for s in result:
                ys = [math.nan] * count
                for t, v in s["values"]:
                    k = round((float(t) - self.start) / step)
                    if 0 <= k < count:
                        ys[k] = float(v)
                out.append((legend(target.get("legendFormat"), s["metric"], expr), xs, ys,
                            target["refId"]))
        return out

    def draw_row(self, panel):
        left, bottom, w, h = self.box(panel["gridPos"])
        self.fig.text(left + self.px(2, True), bottom + h / 2, "⌄  " + panel["title"], color=TEXT,
                      fontsize=12, weight="bold", va="center")

    def draw_stat(self, panel):
        left, bottom, w, h, title_h = self.panel_frame(panel)
        defaults = panel["fieldConfig"]["defaults"]
        series = self.range_series(panel)
        value = None
        if series:
            ys = [y for y in series[0][2] if not math.isnan(y)]
            value = ys[-1] if ys else None
        color = TEXT
        steps = defaults.get("thresholds", {}).get("steps", [])
        if value is not None and steps:
            for step in steps:
                if step["value"] is None or value >= step["value"]:
                    color = step["color"]
            color = {"green": "#73BF69", "red": "#F2495C", "orange": "#FF9830"}.get(color, color)
        if series:
            spark = self.fig.add_axes([left + self.px(1, True), bottom + self.px(1),
                                       w - self.px(2, True), (h - title_h) * 0.45])
            spark.axis("off")
            _, xs, ys, _ = series[0]
            spark.fill_between(xs, ys, color=color, alpha=0.18, linewidth=0)
            spark.plot(xs, ys, color=color, linewidth=1.2, alpha=0.8)
            spark.set_xlim(xs[0], xs[-1])
        text = fmt_value(value, defaults.get("unit", "short"))
        if value is not None and "decimals" in defaults and \
                defaults.get("unit", "short") == "short":
            text = f"{value:.{defaults['decimals']}f}"
        self.fig.text(left + w / 2, bottom + (h - title_h) * 0.55, text, color=color,
                      fontsize=26, weight="bold", ha="center", va="center")

    def draw_timeseries(self, panel):
        left, bottom, w, h, title_h = self.panel_frame(panel)
        defaults = panel["fieldConfig"]["defaults"]
        custom = defaults.get("custom", {})
        unit = defaults.get("unit", "short")
        right_refs = {o["matcher"]["options"]: {p["id"]: p["value"] for p in o["properties"]}
                      for o in panel["fieldConfig"].get("overrides", [])
                      if o["matcher"]["id"] == "byFrameRefID"}
        series = self.range_series(panel)
        ncol = 3 if w > 0.4 else 2
        legend_rows = min(3, math.ceil(len(series) / ncol))
        legend_h = self.px(14) * legend_rows + self.px(6)
        pad_l, pad_r = self.px(58, True), self.px(14 + (46 if right_refs else 0), True)
        ax = self.fig.add_axes([left + pad_l, bottom + legend_h + self.px(22),
                                w - pad_l - pad_r, h - title_h - legend_h - self.px(28)])
        ax.set_facecolor(PANEL_BG)
        for side, spine in ax.spines.items():
            spine.set_visible(False)
        ax.tick_params(colors=MUTED, labelsize=8, length=0)
        ax.grid(True, color=GRID, linewidth=0.8)
        ax.xaxis.set_major_formatter(self.mdates.DateFormatter("%H:%M:%S"))
        ax.xaxis.set_major_locator(self.plt.MaxNLocator(6))
        ax2 = None
        used, handles = [], []
        stacked = custom.get("stacking", {}).get("mode") == "normal"
        base = None
        bar_width = self.panel_step / 86400 * 0.8
        for name, xs, ys, ref in series:
            color = series_color(name, used)
            used.append(color)
            target_ax = ax
            if ref in right_refs:
                if ax2 is None:
                    ax2 = ax.twinx()
                    ax2.tick_params(colors=MUTED, labelsize=8, length=0)
                    for spine in ax2.spines.values():
                        spine.set_visible(False)
                    r_unit = right_refs[ref].get("unit", unit)
                    ax2.yaxis.set_major_formatter(
                        self.plt.FuncFormatter(lambda v, _p, u=r_unit: fmt_value(v, u)))
                target_ax = ax2
            plot_ys = [0.0 if math.isnan(y) and stacked else y for y in ys]
            if stacked:
                lower = base if base is not None else [0.0] * len(plot_ys)
                upper = [a + b for a, b in zip(lower, plot_ys)]
            if custom.get("drawStyle") == "bars":
                target_ax.bar(xs, plot_ys, width=bar_width, bottom=lower if stacked else None,
                              color=color, alpha=0.75, linewidth=0)
                handle = target_ax.plot([], [], color=color, linewidth=6)[0]
            else:
                draw = "steps-post" if custom.get("lineInterpolation") == "stepAfter" else "default"
                line_ys = upper if stacked else plot_ys
                handle = target_ax.plot(xs, line_ys, color=color, linewidth=1.6, drawstyle=draw)[0]
                if custom.get("fillOpacity", 0):
                    lo = lower if stacked else [0.0] * len(line_ys)
                    target_ax.fill_between(xs, lo, line_ys, color=color,
                                           alpha=custom["fillOpacity"] / 100 * 1.2, linewidth=0,
                                           step="post" if draw == "steps-post" else None)
            if stacked:
                base = upper
            handles.append((handle, name))
        ax.set_xlim(datetime.datetime.fromtimestamp(self.start),
                    datetime.datetime.fromtimestamp(self.end))
        ax.yaxis.set_major_formatter(self.plt.FuncFormatter(lambda v, _p: fmt_value(v, unit)))
        ax.yaxis.set_major_locator(self.plt.MaxNLocator(5))
        if "min" in defaults or "max" in defaults:
            ax.set_ylim(defaults.get("min", None), defaults.get("max", 1) * 1.1)
        elif not any(not math.isnan(y) for _, _, ys, _ in series for y in ys):
            ax.set_ylim(0, 1)
        else:
            lo, hi = ax.get_ylim()
            ax.set_ylim(min(0, lo), hi if hi > 0 else 1)
        if not any(not math.isnan(y) for _, _, ys, _ in series for y in ys):
            ax.text(0.5, 0.5, "No data", color=MUTED, fontsize=12, ha="center", va="center",
                    transform=ax.transAxes)
        if handles:
            ncol = min(len(handles), ncol)
            shown = handles[: ncol * 3]
            names = [n if len(n) <= 38 else n[:36] + "…" for _, n in shown]
            if len(handles) > len(shown):
                names[-1] = f"+{len(handles) - len(shown) + 1} more"
            self.fig.legend([h for h, _ in shown], names, loc="lower left", ncol=ncol,
                            bbox_to_anchor=(left + self.px(6, True), bottom + self.px(2)),
                            frameon=False, fontsize=8, labelcolor=TEXT, handlelength=1.2,
                            columnspacing=1.2, borderpad=0.1, handletextpad=0.4,
                            labelspacing=0.25)

    def draw_table(self, panel):
        left, bottom, w, h, title_h = self.panel_frame(panel)
        rows = []
        for target in panel["targets"]:
            for s in query(self.url, substitute(target["expr"]), at=self.end):
                rows.append({k: v for k, v in s["metric"].items() if k != "__name__"})
        columns = sorted({k for r in rows for k in r}, key=["kind", "namespace", "name",
                                                            "status"].index) if rows else \
            ["kind", "namespace", "name", "status"]
        top = bottom + h - title_h - self.px(8)
        col_w = (w - self.px(16, True)) / len(columns)
        for i, c in enumerate(columns):
            self.fig.text(left + self.px(8, True) + i * col_w, top, c, color="#6E9FFF",
                          fontsize=9, weight="bold", va="top")
        line = top - self.px(20)
        self.fig.add_artist(self.plt.Line2D([left + self.px(6, True), left + w - self.px(6, True)],
                                            [line + self.px(4), line + self.px(4)], color=BORDER,
                                            linewidth=1))
        if not rows:
            self.fig.text(left + w / 2, bottom + (h - title_h) / 2, "None: every resource is Ready",
                          color="#73BF69", fontsize=11, ha="center", va="center")
        for r, row in enumerate(rows[:6]):
            for i, c in enumerate(columns):
                self.fig.text(left + self.px(8, True) + i * col_w, line - r * self.px(20),
                              row.get(c, ""), color=TEXT, fontsize=9, va="top")

    def render(self, output):
        self.header()
        for panel in self.dashboard["panels"]:
            draw = {"row": self.draw_row, "stat": self.draw_stat,
                    "timeseries": self.draw_timeseries, "table": self.draw_table}[panel["type"]]
            draw(panel)
        self.fig.savefig(output, facecolor=BG, dpi=100)


# --- main -----------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=150,
                        help="seconds of workload after the demo came up (default 150)")
    parser.add_argument("--output", default=str(ROOT / "docs" / "grafana-dashboard.png"))
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()

    dashboard = json.loads(yaml.safe_load(DASHBOARD.read_text())["data"]["orderops.json"])
    # SIGTERM ends the script like Ctrl-C does, through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    began = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="orderops-render-"))
    stack = Stack(workdir)
    try:
        log(f"starting the demo (DEMO_DIR={stack.demo_dir})")
        stack.start_demo()
        targets = stack.start_prometheus()
        log(f"prometheus on {stack.prom_url} scraping {', '.join(targets)}")
        start = time.time()
        prepare(stack)
        rounds = max(1, args.duration // ROUND_SECONDS)
        orders = 0
        for n in range(rounds):
            t0 = time.monotonic()
            orders = workload_round(stack, n, orders)
            if n == rounds * 3 // 5:
                hand_over_leadership(stack, targets)
            log(f"round {n + 1}/{rounds} done")
            time.sleep(max(0.0, ROUND_SECONDS - (time.monotonic() - t0)))
        time.sleep(3 * SCRAPE_SECONDS)
        end = time.time()
        present = {s["metric"]["__name__"] for s in
                   query(stack.prom_url, 'count by (__name__) ({__name__=~"orderops_.+"})')}
        log(f"{len(present)} orderops_* series names scraped")
        step = max(SCRAPE_SECONDS, round((end - start) / 240))
        renderer = Renderer(dashboard, stack.prom_url, start, end, step)
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        renderer.render(args.output)
        for line in renderer.empty:
            log(f"no data: {line}")
        log(f"wrote {args.output} in {time.monotonic() - began:.0f} s")
    finally:
        stack.stop()
        if args.keep:
            log(f"work directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
