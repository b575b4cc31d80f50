"""`kubectl kustomize` renders manifests/, manifests/monitoring/, crds/ and crds/samples/, and
what it renders is what api.md and the issue ask for: least-privilege RBAC exactly, a hardened
Deployment with leader election, a metrics Service the ServiceMonitor finds, and an image that
kustomize `images:` can replace. Needs kubectl (no cluster)."""

import os
import re
import tempfile
import unittest
from pathlib import Path

from manifest_lib import kustomize, load_yaml_file, repo_root

NAMESPACE = "orderops-system"
SERVICE_ACCOUNT = "orderops-manager"

# (scope, apiGroup, resource, verb): everything the operator may do, and nothing more.
EXPECTED_GRANTS = {
    *{("cluster", "orderops.io", r, v) for r in ("aftersalestimeoutpolicies", "profitshareschedules")
      for v in ("get", "list", "watch")},
    *{("cluster", "orderops.io", r, v) for r in ("aftersalestimeoutpolicies/status",
                                                 "profitshareschedules/status")
      for v in ("update", "patch")},
    *{("cluster", "", "secrets", v) for v in ("get", "list", "watch")},
    *{("cluster", g, "events", v) for g in ("", "events.k8s.io") for v in ("create", "patch")},
    *{(NAMESPACE, "coordination.k8s.io", "leases", v) for v in ("get", "create", "update")},
}

# Flags of `orderops manager` (api.md section 7).
MANAGER_FLAGS = {"--kubeconfig", "--namespace", "--leader-elect", "--leader-election-id",
                 "--leader-election-namespace", "--lease-duration", "--renew-deadline",
                 "--retry-period", "--metrics-bind-address", "--health-probe-bind-address",
                 "--max-concurrent-runs", "--log-format", "--log-level"}


def by_kind(objects):
    out = {}
    for obj in objects:
        out.setdefault(obj["kind"], []).append(obj)
    return out


class Base(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.objects = kustomize(repo_root() / "manifests")
        cls.kinds = by_kind(cls.objects)

    def one(self, kind):
        self.assertEqual(len(self.kinds.get(kind, [])), 1, kind)
        return self.kinds[kind][0]

    def test_renders_exactly_the_expected_objects(self):
        got = sorted((o["kind"], o["metadata"]["name"]) for o in self.objects)
        self.assertEqual(got, sorted([
            ("ClusterRole", "orderops-manager"),
            ("ClusterRoleBinding", "orderops-manager"),
            ("CustomResourceDefinition", "aftersalestimeoutpolicies.orderops.io"),
            ("CustomResourceDefinition", "profitshareschedules.orderops.io"),
            ("Deployment", "orderops-manager"),
            ("Namespace", NAMESPACE),
            ("Role", "orderops-leader-election"),
            ("RoleBinding", "orderops-leader-election"),
            ("Service", "orderops-metrics"),
            ("ServiceAccount", SERVICE_ACCOUNT),
        ]))

    def test_crds_are_the_files_in_crds(self):
        for crd in self.kinds["CustomResourceDefinition"]:
            with self.subTest(crd=crd["metadata"]["name"]):
                plural = crd["spec"]["names"]["plural"]
                on_disk = load_yaml_file(repo_root() / "crds" / f"orderops.io_{plural}.yaml")
                self.assertEqual(crd, on_disk)

    def test_namespaced_objects_live_in_the_operator_namespace(self):
        cluster_scoped = {"Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding"}
        for obj in self.objects:
            with self.subTest(obj=(obj["kind"], obj["metadata"]["name"])):
                if obj["kind"] in cluster_scoped:
                    self.assertNotIn("namespace", obj["metadata"])
                else:
                    self.assertEqual(obj["metadata"]["namespace"], NAMESPACE)

    def test_rbac_grants_exactly_the_least_privilege_set(self):
        grants = set()
        roles = {}
        for kind in ("ClusterRole", "Role"):
            for role in self.kinds.get(kind, []):
                scope = "cluster" if kind == "ClusterRole" else role["metadata"]["namespace"]
                roles[(kind, role["metadata"]["name"])] = scope
                self.assertNotIn("aggregationRule", role)
                for rule in role["rules"]:
                    self.assertEqual(set(rule) - {"apiGroups", "resources", "verbs"}, set(),
                                     "no resourceNames/nonResourceURLs expected")
                    for group in rule["apiGroups"]:
                        for resource in rule["resources"]:
                            for verb in rule["verbs"]:
                                self.assertNotIn("*", (group, resource, verb))
                                grants.add((scope, group, resource, verb))
        self.assertEqual(grants, EXPECTED_GRANTS)

        for kind, role_kind in (("ClusterRoleBinding", "ClusterRole"), ("RoleBinding", "Role")):
            for binding in self.kinds.get(kind, []):
                with self.subTest(binding=binding["metadata"]["name"]):
                    ref = binding["roleRef"]
                    self.assertEqual(ref["kind"], role_kind)
                    self.assertIn((role_kind, ref["name"]), roles)
                    self.assertEqual(binding["subjects"], [
                        {"kind": "ServiceAccount", "name": SERVICE_ACCOUNT, "namespace": NAMESPACE}])
                    if kind == "RoleBinding":
                        self.assertEqual(binding["metadata"]["namespace"], NAMESPACE)

    def container(self):
        deployment = self.one("Deployment")
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        return deployment, container

    def test_deployment_runs_two_replicas_with_leader_election(self):
        deployment, container = self.container()
        pod = deployment["spec"]["template"]["spec"]
        self.assertEqual(deployment["spec"]["replicas"], 2)
        self.assertEqual(pod["serviceAccountName"], SERVICE_ACCOUNT)
        self.assertEqual(container["image"], "orderops:latest")
        args = container["args"]
        self.assertEqual(args[0], "manager")
        self.assertIn("--leader-elect", args)
        self.assertIn("--leader-election-namespace=$(POD_NAMESPACE)", args)
        self.assertIn("--metrics-bind-address=:8080", args)
        self.assertIn("--health-probe-bind-address=:8081", args)
        for arg in args[1:]:
            self.assertIn(arg.split("=", 1)[0], MANAGER_FLAGS, f"unknown manager flag {arg}")
        env = {e["name"]: e for e in container["env"]}
        self.assertEqual(env["POD_NAMESPACE"]["valueFrom"], {"fieldRef": {"fieldPath": "metadata.namespace"}})

    def test_probes_and_ports(self):
        _, container = self.container()
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        self.assertEqual(ports, {"metrics": 8080, "health": 8081})
        for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
            with self.subTest(probe=probe):
                get = container[probe]["httpGet"]
                self.assertEqual(get["path"], path)
                self.assertEqual(ports.get(get["port"], get["port"]), 8081)

    def test_security_settings(self):
        deployment, container = self.container()
        pod = deployment["spec"]["template"]["spec"]
        self.assertEqual(pod["securityContext"]["runAsNonRoot"], True)
        self.assertEqual(pod["securityContext"]["runAsUser"], 65532)
        self.assertEqual(pod["securityContext"]["seccompProfile"], {"type": "RuntimeDefault"})
        sc = container["securityContext"]
        self.assertEqual(sc["runAsNonRoot"], True)
        self.assertEqual(sc["runAsUser"], 65532)
        self.assertEqual(sc["readOnlyRootFilesystem"], True)
        self.assertEqual(sc["allowPrivilegeEscalation"], False)
        self.assertEqual(sc["capabilities"], {"drop": ["ALL"]})
        self.assertEqual(sc["seccompProfile"], {"type": "RuntimeDefault"})
        self.assertNotIn("privileged", sc)
        for key in ("hostNetwork", "hostPID", "hostIPC"):
            self.assertNotIn(key, pod)
        resources = container["resources"]
        for section in ("requests", "limits"):
            self.assertEqual(set(resources[section]), {"cpu", "memory"}, section)

    def test_writable_paths_are_volumes(self):
        deployment, container = self.container()
        volumes = {v["name"]: v for v in deployment["spec"]["template"]["spec"]["volumes"]}
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        self.assertEqual(set(mounts), {"/var/lib/orderops/bills", "/tmp"})
        for path, name in mounts.items():
            with self.subTest(path=path):
                self.assertIn("emptyDir", volumes[name])
        # The bills volume is where spec.billDownload.storagePath points by default.
        crd = load_yaml_file(repo_root() / "crds" / "orderops.io_profitshareschedules.yaml")
        spec = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
        self.assertEqual(spec["properties"]["billDownload"]["properties"]["storagePath"]["default"],
                         "/var/lib/orderops/bills")

    def test_metrics_service_selects_the_pods(self):
        deployment, _ = self.container()
        service = self.one("Service")
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        self.assertEqual(deployment["spec"]["selector"]["matchLabels"].items() - labels.items(), set())
        self.assertEqual(service["spec"]["selector"].items() - labels.items(), set())
        (port,) = service["spec"]["ports"]
        self.assertEqual((port["name"], port["port"], port["targetPort"]), ("metrics", 8080, "metrics"))

    def test_image_is_set_through_kustomize_images(self):
        base = repo_root() / "manifests"
        with tempfile.TemporaryDirectory(prefix="orderops-overlay-") as overlay:
            Path(overlay, "kustomization.yaml").write_text(
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                f"resources:\n  - {os.path.relpath(base, overlay)}\n"
                "images:\n  - name: orderops\n    newName: registry.example.com/shop/orderops\n"
                "    newTag: v1.2.3\n", encoding="utf-8")
            objects = kustomize(overlay)
        (deployment,) = [o for o in objects if o["kind"] == "Deployment"]
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        self.assertEqual(container["image"], "registry.example.com/shop/orderops:v1.2.3")


class Monitoring(unittest.TestCase):
    def test_service_monitor_scrapes_the_metrics_service(self):
        base = by_kind(kustomize(repo_root() / "manifests"))
        monitoring = by_kind(kustomize(repo_root() / "manifests" / "monitoring"))
        self.assertEqual(set(monitoring), {"ServiceMonitor", "PrometheusRule", "ConfigMap"})
        (service,) = base["Service"]
        (monitor,) = monitoring["ServiceMonitor"]
        self.assertEqual(monitor["metadata"]["namespace"], NAMESPACE)
        self.assertEqual(monitor["spec"]["selector"]["matchLabels"].items()
                         - service["metadata"]["labels"].items(), set())
        self.assertEqual(monitor["spec"]["namespaceSelector"], {"matchNames": [NAMESPACE]})
        (endpoint,) = monitor["spec"]["endpoints"]
        self.assertEqual(endpoint["port"], service["spec"]["ports"][0]["name"])
        self.assertEqual(endpoint["path"], "/metrics")
        # The metrics' own namespace/name labels must win over the target's.
        self.assertIs(endpoint["honorLabels"], True)

        # The Prometheus Operator names the job after the Service: the rules must use that name.
        (rule,) = monitoring["PrometheusRule"]
        exprs = [r["expr"] for g in rule["spec"]["groups"] for r in g["rules"]]
        jobs = {m for e in exprs for m in re.findall(r'job="([^"]*)"', e)}
        self.assertEqual(jobs, {service["metadata"]["name"]})


class OtherKustomizations(unittest.TestCase):
    def test_crds_render(self):
        kinds = [o["kind"] for o in kustomize(repo_root() / "crds")]
        self.assertEqual(kinds, ["CustomResourceDefinition"] * 2)

    def test_samples_render_without_the_invalid_ones(self):
        objects = kustomize(repo_root() / "crds" / "samples")
        names = sorted((o["kind"], o["metadata"]["name"]) for o in objects)
        self.assertEqual(names, sorted([
            ("Namespace", "shop"), ("Secret", "shop-db"), ("Secret", "wechatpay-1900009191"),
            ("AftersalesTimeoutPolicy", "shop-aftersales"),
            ("ProfitShareSchedule", "merchant-1900009191")]))


if __name__ == "__main__":
    unittest.main(verbosity=1)
