"""The PrometheusRule of manifests/monitoring/: its groups, extracted into a plain rules file,
pass `promtool check rules` and the unit tests in alerts_test.yaml (`promtool test rules`); every
alert has a case where it fires and one where it does not; every condition type of api.md
section 2 has an alert; each alert carries severity, summary, description and runbook_url."""

import re
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

import yaml

from manifest_lib import PROMTOOL, load_all, load_yaml_file, repo_root

HERE = Path(__file__).resolve().parent
RULE_FILE = repo_root() / "manifests" / "monitoring" / "prometheus_rule.yaml"
TEST_FILE = HERE / "alerts_test.yaml"
CONDITION_TYPES = {"Ready", "Stalled", "RunFailing", "BacklogHigh", "OrdersStuck",
                   "BillDownloadFailing", "RetryExhausted", "UnfreezeFailing"}
OPERATOR_ALERTS = {"OrderOpsNoLeader", "OrderOpsOperatorDown"}
SEVERITIES = {"warning", "critical"}


def rule_groups():
    (rule,) = [d for d in load_all(RULE_FILE.read_text(encoding="utf-8")) if d["kind"] == "PrometheusRule"]
    return rule["spec"]["groups"]


def alerts():
    return [r for g in rule_groups() for r in g["rules"] if "alert" in r]


def run(args, cwd):
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout + result.stderr


class Rules(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.workdir = tempfile.mkdtemp(prefix="orderops-rules-")
        with open(Path(cls.workdir, "rules.yaml"), "w", encoding="utf-8") as out:
            yaml.safe_dump({"groups": rule_groups()}, out, sort_keys=False, allow_unicode=True)
        shutil.copy(TEST_FILE, Path(cls.workdir, TEST_FILE.name))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.workdir, ignore_errors=True)

    def test_promtool_check_rules(self):
        code, output = run([PROMTOOL, "check", "rules", "rules.yaml"], self.workdir)
        self.assertEqual(code, 0, output)
        self.assertIn(f"SUCCESS: {len(alerts())} rules found", output)

    def test_promtool_test_rules(self):
        code, output = run([PROMTOOL, "test", "rules", TEST_FILE.name], self.workdir)
        self.assertEqual(code, 0, output)
        self.assertIn("SUCCESS", output)

    def test_every_alert_has_a_firing_and_a_silent_case(self):
        cases = [case for test in load_yaml_file(TEST_FILE)["tests"]
                 for case in test.get("alert_rule_test", [])]
        for alert in alerts():
            name = alert["alert"]
            with self.subTest(alert=name):
                mine = [c for c in cases if c["alertname"] == name]
                self.assertTrue(any(c.get("exp_alerts") for c in mine), "no case where it fires")
                self.assertTrue(any(not c.get("exp_alerts") for c in mine), "no case where it stays silent")
        known = {a["alert"] for a in alerts()}
        self.assertEqual({c["alertname"] for c in cases} - known, set(), "tests for unknown alerts")

    def test_every_condition_has_an_alert(self):
        covered = set()
        for alert in alerts():
            covered.update(re.findall(r'orderops_resource_condition\{[^}]*type="([A-Za-z]+)"', alert["expr"]))
        self.assertEqual(covered, CONDITION_TYPES)
        self.assertTrue(OPERATOR_ALERTS <= {a["alert"] for a in alerts()})

    def test_labels_and_annotations(self):
        for alert in alerts():
            name = alert["alert"]
            with self.subTest(alert=name):
                self.assertTrue(name.startswith("OrderOps"))
                self.assertIn(alert["labels"]["severity"], SEVERITIES)
                self.assertRegex(alert["for"], r"^[0-9]+m$")
                annotations = alert["annotations"]
                self.assertEqual(set(annotations), {"summary", "description", "runbook_url"})
                self.assertEqual(annotations["runbook_url"], f"docs/operations.md#{name.lower()}")


if __name__ == "__main__":
    unittest.main(verbosity=1)
