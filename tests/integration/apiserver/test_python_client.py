"""The official Python client (Debian python3-kubernetes, run by /usr/bin/python3) against
orderops-test-apiserver: list, watch with resume from a resourceVersion and the 410 path, status
patches, 409 conflicts, and Lease MicroTime round trips."""

import datetime
import json
import unittest

from harness import ServerTestCase, crd_files, load_yaml, sample

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

GROUP, VERSION, PLURAL = "orderops.io", "v1alpha1", "aftersalestimeoutpolicies"


class PythonClientTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        args = ["apply"]
        for f in crd_files():
            args += ["-f", f]
        cls.server.kubectl(*args)
        cls.api_client = config.new_client_from_config(config_file=cls.server.kubeconfig)
        cls.core = client.CoreV1Api(cls.api_client)
        cls.custom = client.CustomObjectsApi(cls.api_client)
        cls.coordination = client.CoordinationV1Api(cls.api_client)
        cls.core.create_namespace({"metadata": {"name": "py"}})

    @classmethod
    def tearDownClass(cls):
        cls.api_client.close()
        super().tearDownClass()

    def atp(self, name):
        body = load_yaml(sample("aftersalestimeoutpolicy.yaml"))
        body["metadata"] = {"name": name, "namespace": "py"}
        return self.custom.create_namespaced_custom_object(GROUP, VERSION, "py", PLURAL, body)

    def test_list_custom_and_core(self):
        self.atp("listed")
        got = self.custom.list_namespaced_custom_object(GROUP, VERSION, "py", PLURAL)
        self.assertIn("listed", [i["metadata"]["name"] for i in got["items"]])
        self.assertTrue(got["metadata"]["resourceVersion"].isdigit())
        names = [n.metadata.name for n in self.core.list_namespace().items]
        for ns in ("default", "kube-system", "py"):
            self.assertIn(ns, names)
        self.assertEqual(self.core.read_namespace("default").status.phase, "Active")

    def test_watch_resumes_from_resource_version(self):
        self.core.create_namespaced_config_map("py", {"metadata": {"name": "before"}})
        rv = self.core.list_namespaced_config_map("py").metadata.resource_version
        self.core.create_namespaced_config_map("py", {"metadata": {"name": "after"}, "data": {"k": "v"}})
        self.core.patch_namespaced_config_map("after", "py", {"data": {"k": "w"}})
        w = watch.Watch()
        seen = []
        for event in w.stream(self.core.list_namespaced_config_map, "py", resource_version=rv,
                              timeout_seconds=5):
            seen.append((event["type"], event["object"].metadata.name))
            if len(seen) == 2:
                w.stop()
        self.assertEqual(seen, [("ADDED", "after"), ("MODIFIED", "after")])
        self.assertEqual(event["object"].data, {"k": "w"})

    def test_watch_from_compacted_version_raises_410(self):
        self.core.create_namespaced_config_map("py", {"metadata": {"name": "old"}})
        rv = self.core.read_namespaced_config_map("old", "py").metadata.resource_version
        self.core.patch_namespaced_config_map("old", "py", {"data": {"a": "1"}})
        self.server.admin_call("POST", "/compact", {})
        w = watch.Watch()
        with self.assertRaises(ApiException) as ctx:
            for _ in w.stream(self.core.list_namespaced_config_map, "py", resource_version=rv,
                              timeout_seconds=5):
                pass
        self.assertEqual(ctx.exception.status, 410)
        self.assertIn("Expired: too old resource version: %s" % rv, str(ctx.exception.reason))

    def test_patch_status_keeps_spec_and_generation(self):
        self.atp("status-target")
        patched = self.custom.patch_namespaced_custom_object_status(
            GROUP, VERSION, "py", PLURAL, "status-target",
            {"spec": {"batchSize": 9999}, "status": {"observedGeneration": 1, "conditions": [{
                "type": "Ready", "status": "False", "reason": "DatabaseUnavailable",
                "message": "connection refused", "lastTransitionTime": "2026-01-01T00:00:00Z"}]}})
        self.assertEqual(patched["status"]["conditions"][0]["reason"], "DatabaseUnavailable")
        self.assertNotEqual(patched["spec"]["batchSize"], 9999)
        self.assertEqual(patched["metadata"]["generation"], 1)

    def test_stale_update_is_409_conflict(self):
        obj = self.atp("conflicted")
        self.custom.patch_namespaced_custom_object(GROUP, VERSION, "py", PLURAL, "conflicted",
                                                   {"metadata": {"labels": {"x": "y"}}})
        obj["spec"]["batchSize"] = 42
        with self.assertRaises(ApiException) as ctx:
            self.custom.replace_namespaced_custom_object(GROUP, VERSION, "py", PLURAL, "conflicted", obj)
        self.assertEqual(ctx.exception.status, 409)
        body = json.loads(ctx.exception.body)
        self.assertEqual(body["reason"], "Conflict")
        self.assertEqual(body["message"],
                         'Operation cannot be fulfilled on aftersalestimeoutpolicies.orderops.io '
                         '"conflicted": the object has been modified; please apply your changes '
                         'to the latest version and try again')
        self.assertEqual(body["details"], {"name": "conflicted", "group": "orderops.io",
                                           "kind": "aftersalestimeoutpolicies"})

    def test_lease_micro_time_round_trip(self):
        t = datetime.datetime(2026, 11, 21, 10, 0, 0, 123456, tzinfo=datetime.timezone.utc)
        lease = client.V1Lease(metadata=client.V1ObjectMeta(name="leader"),
                               spec=client.V1LeaseSpec(holder_identity="a", lease_duration_seconds=15,
                                                       acquire_time=t, renew_time=t,
                                                       lease_transitions=0))
        created = self.coordination.create_namespaced_lease("py", lease)
        self.assertEqual(created.spec.renew_time, t)
        raw = self.server.request("GET", "/apis/coordination.k8s.io/v1/namespaces/py/leases/leader")[2]
        self.assertEqual(raw["spec"]["renewTime"], "2026-11-21T10:00:00.123456Z")
        created.spec.holder_identity = "b"
        self.coordination.replace_namespaced_lease("leader", "py", created)
        with self.assertRaises(ApiException) as ctx:
            self.coordination.replace_namespaced_lease("leader", "py", created)
        self.assertEqual(ctx.exception.status, 409)


if __name__ == "__main__":
    unittest.main()
