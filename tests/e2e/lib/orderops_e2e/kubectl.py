"""Real kubectl (1.32) against the test API server, with its own KUBECACHEDIR and HOME. Objects
are sent with `kubectl apply -f -` (JSON or YAML): the typed `kubectl create <kind>` commands
send protobuf, which the test server refuses with 415."""

import json
import os
import subprocess

from .binaries import KUBECTL, require


class KubectlError(AssertionError):
    def __init__(self, args, result):
        self.result = result
        super().__init__("kubectl %s failed (exit %d):\n%s%s" % (
            " ".join(args), result.returncode, result.stdout, result.stderr))


class Kubectl:
    def __init__(self, kubeconfig, directory, timeout=60):
        self.binary = require(KUBECTL)
        self.timeout = timeout
        home = os.path.join(directory, "kubectl-home")
        os.makedirs(home, exist_ok=True)
        self.env = dict(os.environ, KUBECONFIG=kubeconfig, HOME=home,
                        KUBECACHEDIR=os.path.join(directory, "kubectl-cache"))

    def run(self, *args, input=None, check=True, timeout=None):
        """The CompletedProcess (text); raises KubectlError on a non-zero exit when `check`."""
        r = subprocess.run([self.binary, *args], env=self.env, capture_output=True, text=True,
                           input=input, timeout=timeout or self.timeout)
        if check and r.returncode != 0:
            raise KubectlError(args, r)
        return r

    def apply(self, *objects, check=True):
        """`kubectl apply -f -` of dicts (sent as YAML documents) or of one YAML string."""
        if len(objects) == 1 and isinstance(objects[0], str):
            body = objects[0]
        else:
            import yaml
            body = yaml.safe_dump_all(objects, sort_keys=False)
        return self.run("apply", "-f", "-", input=body, check=check)

    def get(self, resource, name=None, namespace=None, check=True):
        """The object (or list) as a dict; None when it does not exist and not `check`."""
        args = ["get", resource] + ([name] if name else []) + self._ns(namespace) + ["-o", "json"]
        r = self.run(*args, check=check)
        if r.returncode != 0:
            return None
        return json.loads(r.stdout)

    def get_yaml(self, resource, namespace=None, all_namespaces=False):
        args = ["get", resource, "-o", "yaml"]
        args += ["-A"] if all_namespaces else self._ns(namespace)
        r = self.run(*args, check=False)
        return r.stdout + r.stderr

    def annotate(self, resource, name, namespace, key, value):
        return self.run("annotate", "--overwrite", resource, name, "-n", namespace,
                        "%s=%s" % (key, value))

    def events(self, namespace, name=None, kind=None):
        """core/v1 Events of a namespace, optionally those about one object."""
        items = self.get("events", namespace=namespace)["items"]
        out = []
        for e in items:
            obj = e.get("involvedObject", {})
            if name and obj.get("name") != name:
                continue
            if kind and obj.get("kind") != kind:
                continue
            out.append(e)
        return out

    def lease_holder(self, name, namespace="default"):
        """spec.holderIdentity of a Lease ("" when released, None when absent)."""
        lease = self.get("lease", name, namespace, check=False)
        if lease is None:
            return None
        return lease.get("spec", {}).get("holderIdentity") or ""

    @staticmethod
    def _ns(namespace):
        return ["-n", namespace] if namespace else []
