"""Real kubectl 1.32 against orderops-test-apiserver with the project's CRDs and samples: the
"Done when" list of issue 3. Run: /usr/bin/python3 test_kubectl.py (ORDEROPS_BIN_DIR=build/bin)."""

import json
import os
import re
import time
import unittest

from harness import CRDS_DIR, ServerTestCase, crd_files, load_yaml, sample

ATP = "shop-aftersales"


def table_row(header, line):
    """Cells of a kubectl table line by the header's column positions (cells may be empty)."""
    starts = [m.start() for m in re.finditer(r"(?:^|(?<=\s{2}))\S", header)]
    names = re.split(r"\s{2,}", header.strip())
    cells = {}
    for i, name in enumerate(names):
        end = starts[i + 1] if i + 1 < len(starts) else None
        cells[name] = line[starts[i]:end].strip()
    return cells


class KubectlTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        # crds/ and crds/samples/ are kustomizations (the samples one leaves the invalid files out).
        cls.crd_apply = s.kubectl("apply", "-k", CRDS_DIR)
        cls.sample_apply = s.kubectl("apply", "-k", os.path.join(CRDS_DIR, "samples"))

    def get(self, *args):
        return json.loads(self.server.kubectl("get", *args, "-o", "json").stdout)

    def set_ready(self, name, status="True", generation=None):
        obj = self.get("atp", name, "-n", "shop")
        gen = generation if generation is not None else obj["metadata"]["generation"]
        patch = {"status": {"observedGeneration": gen, "conditions": [{
            "type": "Ready", "status": status, "reason": "Scheduled", "message": "ok",
            "lastTransitionTime": "2026-01-01T00:00:00Z", "observedGeneration": gen}]}}
        return self.server.kubectl("patch", "atp", name, "-n", "shop", "--subresource=status",
                                   "--type=merge", "-p", json.dumps(patch))

    def test_crds_are_established_and_discoverable(self):
        self.assertEqual(self.crd_apply.stdout.count(" created"), len(crd_files()))
        for f in crd_files():
            name = load_yaml(f)["metadata"]["name"]
            self.server.kubectl("wait", "--for", "condition=established", "crd/" + name,
                                "--timeout=10s")
        out = self.server.kubectl("api-resources", "--api-group=orderops.io").stdout
        self.assertRegex(out, r"aftersalestimeoutpolicies\s+atp\s+orderops.io/v1alpha1\s+true")
        self.assertRegex(out, r"profitshareschedules\s+pss\s+orderops.io/v1alpha1\s+true")
        both = self.server.kubectl("get", "orderops", "-n", "shop", "-o", "name").stdout
        self.assertIn("aftersalestimeoutpolicy.orderops.io/" + ATP, both)
        self.assertIn("profitshareschedule.orderops.io/", both)

    def test_apply_fills_defaults_and_second_apply_configures(self):
        self.assertIn("aftersalestimeoutpolicy.orderops.io/%s created" % ATP, self.sample_apply.stdout)
        manifest = load_yaml(sample("aftersalestimeoutpolicy.yaml"))
        schema = load_yaml(crd_files()[0])["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
        spec_schema = schema["properties"]["spec"]["properties"]
        live = self.get("atp", ATP, "-n", "shop")
        defaulted = [k for k, v in spec_schema.items() if "default" in v and k not in manifest["spec"]]
        self.assertTrue(defaulted, "the sample leaves no defaulted field out")
        for key in defaulted:
            self.assertEqual(live["spec"][key], spec_schema[key]["default"], key)
        gen = live["metadata"]["generation"]
        manifest["spec"]["batchSize"] = manifest["spec"].get("batchSize", 100) + 7
        changed = json.dumps(manifest)
        out = self.server.kubectl("apply", "-f", "-", input=changed).stdout
        self.assertIn("configured", out)
        after = self.get("atp", ATP, "-n", "shop")
        self.assertEqual(after["spec"]["batchSize"], manifest["spec"]["batchSize"])
        self.assertEqual(after["metadata"]["generation"], gen + 1)
        self.assertIn("unchanged", self.server.kubectl("apply", "-f", "-", input=changed).stdout)
        yaml_out = self.server.kubectl("get", "atp", ATP, "-n", "shop", "-o", "yaml").stdout
        for key in defaulted:
            self.assertRegex(yaml_out, r"\n  %s:" % re.escape(key))

    def test_invalid_samples_are_rejected_with_field_messages(self):
        for name in ("invalid-aftersalestimeoutpolicy.yaml", "invalid-profitshareschedule.yaml"):
            with open(sample(name)) as f:
                text = f.read()
            fields = re.search(r"# expect-invalid: (.*)", text).group(1).split()
            r = self.server.kubectl("apply", "-f", sample(name), check=False)
            self.assertNotEqual(r.returncode, 0, name)
            self.assertIn("is invalid", r.stderr)
            for field in fields:
                self.assertRegex(r.stderr, r"\* %s: (Invalid|Unsupported|Required) value" % re.escape(field))
        r = self.server.kubectl("apply", "-f", sample("invalid-aftersalestimeoutpolicy.yaml"), check=False)
        self.assertIn("spec.batchSize: Invalid value: 0: spec.batchSize in body should be greater "
                      "than or equal to 1", r.stderr)

    def test_get_shows_printer_columns(self):
        for f, short in zip(crd_files(), ("atp", "pss")):
            version = load_yaml(f)["spec"]["versions"][0]
            expected = ["NAME"] + [c["name"].upper() for c in version["additionalPrinterColumns"]
                                   if c.get("priority", 0) == 0]
            header = self.server.kubectl("get", short, "-n", "shop").stdout.splitlines()[0]
            self.assertEqual(re.split(r"\s{2,}", header.strip()), expected, short)
        self.set_ready(ATP)
        out = self.server.kubectl("get", "atp", ATP, "-n", "shop").stdout.splitlines()
        row = table_row(out[0], out[1])
        self.assertEqual(row["READY"], "True")
        self.assertRegex(row["AGE"], r"^\d+s$")

    def test_get_watch_receives_a_change(self):
        w = self.server.kubectl_bg("get", "atp", "-n", "shop", "-w", "--output-watch-events",
                                   "--request-timeout=20s")
        try:
            header = w.stdout.readline()
            self.assertIn("EVENT", header)
            first = w.stdout.readline()
            self.assertIn("ADDED", first)
            self.server.kubectl("label", "atp", ATP, "-n", "shop", "watched=yes", "--overwrite")
            line = w.stdout.readline()
            self.assertIn("MODIFIED", line)
            self.assertIn(ATP, line)
        finally:
            w.kill()
            w.communicate()

    def test_status_patch_annotate_label_and_wait(self):
        s = self.server
        name = "wait-target"
        manifest = load_yaml(sample("aftersalestimeoutpolicy.yaml"))
        manifest["metadata"] = {"name": name, "namespace": "shop"}
        s.kubectl("apply", "-f", "-", input=json.dumps(manifest))
        waiter = s.kubectl_bg("wait", "--for=condition=Ready", "atp/" + name, "-n", "shop",
                              "--timeout=30s")
        time.sleep(1)
        self.assertIsNone(waiter.poll(), "kubectl wait returned before the condition was set")
        before = self.get("atp", name, "-n", "shop")
        self.assertIn("patched", self.set_ready(name).stdout)
        out, err = waiter.communicate(timeout=30)
        self.assertEqual(waiter.returncode, 0, err)
        self.assertIn("condition met", out)
        after = self.get("atp", name, "-n", "shop")
        self.assertEqual(after["metadata"]["generation"], before["metadata"]["generation"])
        self.assertIn("(no change)", self.set_ready(name).stdout)
        smp = s.kubectl("patch", "atp", name, "-n", "shop", "--subresource=status", "-p",
                        '{"status":{}}', check=False)
        self.assertNotEqual(smp.returncode, 0)
        self.assertIn("the body of the request was in an unknown format", smp.stderr)
        self.assertIn("annotated", s.kubectl("annotate", "atp", name, "-n", "shop",
                                             "orderops.io/run-now=t1").stdout)
        self.assertIn("labeled", s.kubectl("label", "atp", name, "-n", "shop", "team=ops").stdout)
        got = self.get("atp", "-n", "shop", "-l", "team=ops")
        self.assertEqual([i["metadata"]["name"] for i in got["items"]], [name])
        self.assertEqual(got["items"][0]["metadata"]["annotations"]["orderops.io/run-now"], "t1")
        self.assertEqual(got["items"][0]["metadata"]["generation"], before["metadata"]["generation"])

    def test_describe_shows_events(self):
        live = self.get("atp", ATP, "-n", "shop")
        event = {"apiVersion": "v1", "kind": "Event",
                 "metadata": {"name": ATP + ".17a0b1c2d3e4f5a6", "namespace": "shop"},
                 "involvedObject": {"apiVersion": "orderops.io/v1alpha1",
                                    "kind": "AftersalesTimeoutPolicy", "name": ATP,
                                    "namespace": "shop", "uid": live["metadata"]["uid"]},
                 "reason": "RunSucceeded", "message": "run shop-aftersales-1 succeeded",
                 "type": "Normal", "count": 1, "source": {"component": "orderops"},
                 "firstTimestamp": "2026-01-01T00:00:00Z", "lastTimestamp": "2026-01-01T00:00:00Z"}
        self.server.kubectl("create", "-f", "-", input=json.dumps(event))
        out = self.server.kubectl("describe", "atp", ATP, "-n", "shop").stdout
        self.assertRegex(out, r"Events:\s*\n\s+Type\s+Reason\s+Age\s+From\s+Message")
        self.assertRegex(out, r"Normal\s+RunSucceeded\s+.*orderops\s+run shop-aftersales-1 succeeded")

    def test_delete_waits_for_finalizers(self):
        s = self.server
        manifest = load_yaml(sample("aftersalestimeoutpolicy.yaml"))
        manifest["metadata"] = {"name": "doomed", "namespace": "shop", "finalizers": ["orderops.io/cleanup"]}
        s.kubectl("apply", "-f", "-", input=json.dumps(manifest))
        s.kubectl("delete", "atp", "doomed", "-n", "shop", "--wait=false")
        obj = self.get("atp", "doomed", "-n", "shop")
        self.assertIn("deletionTimestamp", obj["metadata"])
        s.kubectl("patch", "atp", "doomed", "-n", "shop", "--type=json",
                  "-p", '[{"op":"remove","path":"/metadata/finalizers"}]')
        r = s.kubectl("get", "atp", "doomed", "-n", "shop", check=False)
        self.assertIn('aftersalestimeoutpolicies.orderops.io "doomed" not found', r.stderr)
        manifest["metadata"] = {"name": "plain", "namespace": "shop"}
        s.kubectl("apply", "-f", "-", input=json.dumps(manifest))
        out = s.kubectl("delete", "atp", "plain", "-n", "shop", "--timeout=20s").stdout
        self.assertIn('aftersalestimeoutpolicy.orderops.io "plain" deleted', out)

    def test_server_side_apply_conflicts(self):
        s = self.server
        cm = {"apiVersion": "v1", "kind": "ConfigMap",
              "metadata": {"name": "ssa", "namespace": "shop"}, "data": {"a": "1"}}
        self.assertIn("serverside-applied", s.kubectl("apply", "--server-side", "-f", "-",
                                                     input=json.dumps(cm)).stdout)
        s.kubectl("apply", "--server-side", "--field-manager=other", "-f", "-",
                  input=json.dumps(dict(cm, data={"b": "2"})))
        cm["data"] = {"a": "changed"}
        other = dict(cm, data={"a": "mine"})
        r = s.kubectl("apply", "--server-side", "--field-manager=other", "-f", "-",
                      input=json.dumps(other), check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('conflict with "kubectl"', r.stderr)
        s.kubectl("apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", "-",
                  input=json.dumps(other))
        live = self.get("configmap", "ssa", "-n", "shop", "--show-managed-fields")
        # "other" took "a" by force and no longer applies "b", which nobody else owns: removed.
        self.assertEqual(live["data"], {"a": "mine"})
        managers = {m["manager"]: m for m in live["metadata"]["managedFields"]}
        self.assertEqual(managers["other"]["operation"], "Apply")
        self.assertIn("f:a", managers["other"]["fieldsV1"]["f:data"])

    def test_wrong_token_is_unauthorized(self):
        r = self.server.kubectl("get", "ns", "--token=wrong", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Unauthorized", r.stderr)


if __name__ == "__main__":
    unittest.main()
