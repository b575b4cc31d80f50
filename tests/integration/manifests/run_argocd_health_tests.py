"""The Argo CD health checks of manifests/gitops/: each kind's health.lua, run under Lua 5.1 with
Argo CD's restricted libraries, gives the status and message its health_test.yaml expects for
every object in testdata/ (Healthy, Progressing, Degraded and Suspended all covered), and
argocd-cm.yaml carries exactly these scripts under the right keys."""

import subprocess
import tempfile
import unittest
from pathlib import Path

from manifest_lib import LUA, load_yaml_file, repo_root

HERE = Path(__file__).resolve().parent
GITOPS = repo_root() / "manifests" / "gitops"
KINDS = ("AftersalesTimeoutPolicy", "ProfitShareSchedule")
STATUSES = {"Healthy", "Progressing", "Degraded", "Suspended"}


def lua_literal(value) -> str:
    """The value as Lua source, shaped as Argo CD hands JSON to Lua (arrays 1-based)."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return '"' + "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else
                             "".join(f"\\{b:03d}" for b in c.encode("utf-8")) for c in value) + '"'
    if isinstance(value, list):
        return "{" + ", ".join(lua_literal(v) for v in value) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{lua_literal(str(k))}] = {lua_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def health(script: Path, obj: dict):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="orderops-obj-", encoding="utf-8") as f:
        f.write("return " + lua_literal(obj) + "\n")
        f.flush()
        result = subprocess.run([LUA, str(HERE / "argocd_health_harness.lua"), str(script), f.name],
                                capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        raise AssertionError(f"{script}: {result.stderr}")
    status, message = result.stdout.rstrip("\n").split("\n", 1)
    return status, message


class HealthScripts(unittest.TestCase):
    def test_cases(self):
        for kind in KINDS:
            folder = GITOPS / "resource_customizations" / "orderops.io" / kind
            tests = load_yaml_file(folder / "health_test.yaml")["tests"]
            seen = set()
            for case in tests:
                with self.subTest(kind=kind, input=case["inputPath"]):
                    obj = load_yaml_file(folder / case["inputPath"])
                    self.assertEqual(obj["kind"], kind)
                    expected = case["healthStatus"]
                    self.assertEqual(health(folder / "health.lua", obj),
                                     (expected["status"], expected["message"]))
                    seen.add(expected["status"])
            with self.subTest(kind=kind):
                self.assertEqual(seen, STATUSES, "every health status needs a case")
                listed = {case["inputPath"] for case in tests}
                on_disk = {f"testdata/{p.name}" for p in (folder / "testdata").glob("*.yaml")}
                self.assertEqual(listed, on_disk, "every testdata object has an expectation")

    def test_a_crashing_script_fails_the_test(self):
        # The harness must report script errors, not print a status.
        with tempfile.NamedTemporaryFile("w", suffix=".lua", encoding="utf-8") as script:
            script.write('local s = obj.kind\nreturn {status = s:lower(), message = ""}\n')
            script.flush()
            with self.assertRaises(AssertionError):
                health(Path(script.name), {"kind": "ProfitShareSchedule"})


class ConfigMap(unittest.TestCase):
    def test_argocd_cm_carries_the_scripts(self):
        cm = load_yaml_file(GITOPS / "argocd-cm.yaml")
        self.assertEqual((cm["kind"], cm["metadata"]["name"]), ("ConfigMap", "argocd-cm"))
        expected = {}
        for kind in KINDS:
            script = GITOPS / "resource_customizations" / "orderops.io" / kind / "health.lua"
            expected[f"resource.customizations.health.orderops.io_{kind}"] = script.read_text(encoding="utf-8")
        self.assertEqual(cm["data"], expected)


if __name__ == "__main__":
    unittest.main(verbosity=1)
