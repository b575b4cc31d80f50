"""The Grafana dashboard in manifests/monitoring/grafana_dashboard.yaml is loadable and honest: a
ConfigMap the Grafana sidecar picks up, a dashboard JSON whose panels have unique ids and sit on
the 24-column grid without overlapping, whose every PromQL expression parses (promtool), and whose
every metric is one OrderOps really exports.

Which list of metrics is the reference: a metric must be in api.md section 6 (the external
contract, with its type and labels) AND be registered by name in src/metrics/*.cpp (what the
manager really serves). A scrape of a running manager would be weaker, not stricter:
prometheus-cpp leaves a family out of /metrics until it has a child, so histograms such as
orderops_schedule_lateness_seconds appear only after a scheduled run; a test that scraped would
either run every job first or accept a partial list. scripts/render-dashboard.py checks the
other direction on the demo's real scrape (it reports every panel query that returned no data).
No server, no network: a second or two."""

import json
import os
import re
import subprocess
import tempfile
import unittest
from pathlib import Path

import yaml

from manifest_lib import PROMTOOL, load_yaml_file, repo_root

DASHBOARD_FILE = repo_root() / "manifests" / "monitoring" / "grafana_dashboard.yaml"
GRID_COLUMNS = 24
# Labels the scrape adds (ServiceMonitor target labels) or PromQL itself uses.
TARGET_LABELS = {"pod", "instance", "job", "le", "service", "container", "endpoint"}
# What Grafana substitutes before a query reaches Prometheus.
SUBSTITUTIONS = {"$__rate_interval": "1m", "$__interval": "30s", "$__range": "1h",
                 "${namespace}": ".*", "$namespace": ".*"}
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")
# PromQL words that can stand where a label name or metric name would.
PROMQL_WORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and",
                "or", "unless", "offset"}


# api.md section 6, the external contract: name -> (type, labels). Kept here so the check runs in
# a bare checkout; test_contract_copy_matches_api_md compares it with api.md where the spec is.
CONTRACT = {
    "orderops_runs_total": ("counter", {"namespace", "name", "task", "outcome", "trigger"}),
    "orderops_run_duration_seconds": ("histogram", {"namespace", "name", "task"}),
    "orderops_last_run_timestamp_seconds": ("gauge", {"namespace", "name", "task"}),
    "orderops_last_success_timestamp_seconds": ("gauge", {"namespace", "name", "task"}),
    "orderops_schedule_lateness_seconds": ("histogram", {"task"}),
    "orderops_aftersales_transitions_total": ("counter", {"namespace", "name", "from", "to"}),
    "orderops_aftersales_backlog": ("gauge", {"namespace", "name", "state"}),
    "orderops_aftersales_oldest_overdue_seconds": ("gauge", {"namespace", "name"}),
    "orderops_profitshare_orders_synced_total": ("counter", {"namespace", "name", "state"}),
    "orderops_profitshare_orders_stuck": ("gauge", {"namespace", "name"}),
    "orderops_profitshare_bill_downloads_total": ("counter", {"namespace", "name", "outcome"}),
    "orderops_profitshare_receiver_retries_total": ("counter", {"namespace", "name", "outcome"}),
    "orderops_profitshare_receivers_finally_failed": ("gauge", {"namespace", "name"}),
    "orderops_profitshare_unfreeze_total": ("counter", {"namespace", "name", "outcome"}),
    "orderops_wechatpay_requests_total": ("counter", {"endpoint", "code"}),
    "orderops_wechatpay_request_duration_seconds": ("histogram", {"endpoint"}),
    "orderops_resource_condition": ("gauge", {"kind", "namespace", "name", "type", "status"}),
    "orderops_leader": ("gauge", set()),
    "orderops_reconcile_total": ("counter", {"kind", "result"}),
    "orderops_reconcile_duration_seconds": ("histogram", {"kind"}),
    "orderops_workqueue_depth": ("gauge", {"kind"}),
}


def api_md_path() -> Path:
    spec = os.environ.get("ORDEROPS_SPEC_DIR")
    return Path(spec) / "api.md" if spec else repo_root().parent / "shared" / "spec" / "api.md"


def parse_api_md(text: str) -> dict:
    """name -> (type, set of labels), from the table of api.md section 6."""
    section = text.split("## 6. Metrics", 1)[1].split("\n## ", 1)[0]
    out = {}
    for m in re.finditer(r"^\| (orderops_\w+) \| (\w+) \| ([^|]*)\|", section, re.M):
        labels = set(re.findall(r"[a-z_]+", m.group(3).split("(")[0]))
        out[m.group(1)] = (m.group(2), labels)
    return out


def registered_metrics() -> set:
    """Metric names the manager registers (string literals in src/metrics/*.cpp)."""
    names = set()
    for path in (repo_root() / "src" / "metrics").glob("*.cpp"):
        names |= set(re.findall(r'"(orderops_[a-z_]+)"', path.read_text(encoding="utf-8")))
    return names


def substitute(expr: str) -> str:
    for var, value in SUBSTITUTIONS.items():
        expr = expr.replace(var, value)
    return expr


def base_metric(name: str, types: dict) -> str:
    """orderops_x_bucket -> orderops_x when orderops_x is a histogram."""
    for suffix in HISTOGRAM_SUFFIXES:
        stem = name[: -len(suffix)]
        if name.endswith(suffix) and types.get(stem, ("",))[0] == "histogram":
            return stem
    return name


def strip_strings(expr: str) -> str:
    return re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)


class Dashboard(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.configmap = load_yaml_file(DASHBOARD_FILE)
        cls.dashboard = json.loads(cls.configmap["data"]["orderops.json"])
        cls.panels = cls.dashboard["panels"]
        cls.targets = [(p["title"], t) for p in cls.panels for t in p.get("targets", [])]
        cls.api = CONTRACT

    def test_contract_copy_matches_api_md(self):
        """CONTRACT above is exactly api.md section 6 (names, types, labels)."""
        path = api_md_path()
        if not path.exists():
            self.skipTest(f"{path} not beside this checkout (set ORDEROPS_SPEC_DIR)")
        self.assertEqual(parse_api_md(path.read_text(encoding="utf-8")), CONTRACT)

    def test_configmap_is_found_by_the_grafana_sidecar(self):
        """A ConfigMap labelled grafana_dashboard="1" (the sidecar's default) with one .json key,
        listed in manifests/monitoring/kustomization.yaml."""
        self.assertEqual(self.configmap["kind"], "ConfigMap")
        self.assertEqual(self.configmap["metadata"]["labels"].get("grafana_dashboard"), "1")
        self.assertEqual(list(self.configmap["data"]), ["orderops.json"])
        kustomization = load_yaml_file(DASHBOARD_FILE.parent / "kustomization.yaml")
        self.assertIn(DASHBOARD_FILE.name, kustomization["resources"])

    def test_dashboard_is_portable(self):
        """The data source is a variable (no uid of someone's Grafana), schemaVersion is current,
        and a namespace variable filters the resources."""
        d = self.dashboard
        self.assertGreaterEqual(d["schemaVersion"], 36)
        self.assertTrue(d["uid"] and d["title"])
        variables = {v["name"]: v for v in d["templating"]["list"]}
        self.assertEqual(variables["datasource"]["type"], "datasource")
        self.assertEqual(variables["datasource"]["query"], "prometheus")
        self.assertEqual(variables["namespace"]["type"], "query")
        ds = {"type": "prometheus", "uid": "${datasource}"}
        self.assertEqual(variables["namespace"]["datasource"], ds)
        for panel in self.panels:
            if panel["type"] == "row":
                continue
            with self.subTest(panel=panel["title"]):
                self.assertEqual(panel["datasource"], ds)
                self.assertTrue(panel["targets"])
                for target in panel["targets"]:
                    self.assertIn(target.get("datasource", ds), [ds])
        self.assertTrue(any("$namespace" in t["expr"] for _, t in self.targets))

    def test_ids_unique_and_grid_positions_do_not_overlap(self):
        """Every panel has a unique id and a gridPos inside the 24 columns; no two panels share a
        grid cell."""
        ids = [p["id"] for p in self.panels]
        self.assertEqual(len(ids), len(set(ids)), ids)
        occupied = {}
        for panel in self.panels:
            g = panel["gridPos"]
            with self.subTest(panel=panel["title"]):
                self.assertTrue(all(isinstance(g[k], int) for k in ("x", "y", "w", "h")), g)
                self.assertGreater(g["w"], 0)
                self.assertGreater(g["h"], 0)
                self.assertGreaterEqual(g["x"], 0)
                self.assertGreaterEqual(g["y"], 0)
                self.assertLessEqual(g["x"] + g["w"], GRID_COLUMNS)
                for x in range(g["x"], g["x"] + g["w"]):
                    for y in range(g["y"], g["y"] + g["h"]):
                        other = occupied.setdefault((x, y), panel["title"])
                        self.assertEqual(other, panel["title"], f"cell {(x, y)} taken by {other}")

    def test_every_expression_is_valid_promql(self):
        """promtool accepts every panel query (variables substituted as Grafana does) as the
        expression of a recording rule."""
        self.assertGreater(len(self.targets), 10)
        rules = [{"record": f"orderops:dashboard:{i}", "expr": substitute(t["expr"])}
                 for i, (_, t) in enumerate(self.targets)]
        with tempfile.TemporaryDirectory(prefix="orderops-dashboard-") as tmp:
            path = Path(tmp) / "rules.yaml"
            path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
            result = subprocess.run([PROMTOOL, "check", "rules", str(path)], capture_output=True,
                                    text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn(f"SUCCESS: {len(rules)} rules found", result.stdout)

    def test_every_metric_is_in_the_contract_and_exported(self):
        """Each metric a query names is in api.md section 6 and registered in src/metrics; the
        _bucket/_sum/_count suffixes appear only on histograms."""
        self.assertGreater(len(self.api), 15)
        exported = registered_metrics()
        used = set()
        for title, target in self.targets:
            for name in re.findall(r"\b(orderops_\w+)", strip_strings(target["expr"])):
                used.add(name)
                metric = base_metric(name, self.api)
                with self.subTest(panel=title, metric=name):
                    self.assertTrue(metric in self.api, f"{metric} is not in api.md section 6")
                    self.assertTrue(metric in exported,
                                    f"{metric} is not registered in src/metrics")
        # The dashboard covers what the issue asks for.
        for needed in ("orderops_runs_total", "orderops_run_duration_seconds_bucket",
                       "orderops_aftersales_backlog", "orderops_schedule_lateness_seconds_bucket",
                       "orderops_wechatpay_requests_total", "orderops_leader",
                       "orderops_resource_condition"):
            self.assertIn(needed, used)

    def test_label_names_belong_to_the_metrics_queried(self):
        """Every label a query matches on or aggregates by is a label of some metric of that query
        (api.md), a scrape target label, or `le`; a typo such as `{state=...}` on runs fails."""
        for title, target in self.targets:
            expr = strip_strings(target["expr"])
            metrics = {base_metric(n, self.api) for n in re.findall(r"\b(orderops_\w+)", expr)}
            allowed = set(TARGET_LABELS)
            for metric in metrics:
                allowed |= self.api.get(metric, ("", set()))[1]
            used = set()
            for group in re.findall(r"\b(?:by|without|on|ignoring)\s*\(([^)]*)\)", expr):
                used |= {w.strip() for w in group.split(",") if w.strip()}
            for group in re.findall(r"\{([^}]*)\}", expr):
                used |= set(re.findall(r"(\w+)\s*(?:=~|!~|!=|=)", group))
            for legend_label in re.findall(r"\{\{\s*(\w+)\s*\}\}", target.get("legendFormat", "")):
                used.add(legend_label)
            with self.subTest(panel=title, expr=target["expr"]):
                self.assertEqual(used - allowed - PROMQL_WORDS, set())


if __name__ == "__main__":
    unittest.main(verbosity=2)
