"""One end-to-end environment: a working directory, the test API server with the project's CRDs,
a throwaway PostgreSQL, kubectl, and any number of manager replicas; plus E2ETestCase, which
builds one environment per test class, tears it down (also on failure) and prints diagnostics
when a test fails. Processes are spawned from the main thread only (their parent-death signal
is tied to the spawning thread)."""

import functools
import os
import shutil
import sys
import tempfile
import time
import traceback
import unittest

from .apiserver import ApiServer
from .binaries import CRDS_DIR
from .kubectl import Kubectl
from .manager import LeaseSettings, Manager
from .postgres import Postgres
from .process import wait_for

KEEP_ENV = "ORDEROPS_E2E_KEEP"  # set to 1 to keep the working directory (logs) after the run


class Environment:
    def __init__(self, name, postgres=True):
        self.name = name
        self.started = time.monotonic()
        self.dir = tempfile.mkdtemp(prefix="orderops-e2e-%s-" % name)
        self.apiserver = None
        self.postgres = None
        self.managers = []
        self.failed = False
        try:
            self.apiserver = ApiServer(self.dir)
            self.kubectl = Kubectl(self.apiserver.kubeconfig, self.dir)
            self.kubectl.run("apply", "-k", CRDS_DIR)
            self.kubectl.run("wait", "--for", "condition=established", "--timeout=30s",
                             "crd/aftersalestimeoutpolicies.orderops.io",
                             "crd/profitshareschedules.orderops.io")
            if postgres:
                self.postgres = Postgres(self.dir)
        except BaseException:
            self.close()
            raise

    # objects -----------------------------------------------------------------------------------
    def namespace(self, name):
        self.kubectl.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
        return name

    def secret(self, namespace, name, string_data):
        self.kubectl.apply({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
                            "metadata": {"name": name, "namespace": namespace},
                            "stringData": dict(string_data)})

    # managers ----------------------------------------------------------------------------------
    def start_manager(self, name=None, **kwargs):
        """A manager replica; kwargs as Manager (lease=LeaseSettings(...) or None, namespace)."""
        name = name or "manager-%d" % (len(self.managers) + 1)
        m = Manager(name, self.apiserver.kubeconfig, self.dir, **kwargs)
        self.managers.append(m)
        return m

    def start_replicas(self, count, lease=None, prefix="replica", **kwargs):
        lease = lease or LeaseSettings()
        return [self.start_manager("%s-%d" % (prefix, i + 1), lease=lease, **kwargs)
                for i in range(count)]

    def leader(self, replicas, timeout=30):
        """(leader, followers) once the Lease names one of `replicas` and that replica reports
        orderops_leader 1."""
        lease = replicas[0].lease

        def find():
            holder = self.kubectl.lease_holder(lease.name, lease.namespace)
            for m in replicas:
                if m.running() and m.identity == holder and m.is_leader_metric() == 1:
                    return m
            return None

        leader = wait_for(find, timeout, "a leader among %s" % [m.name for m in replicas])
        return leader, [m for m in replicas if m is not leader]

    # diagnostics -------------------------------------------------------------------------------
    def diagnostics(self):
        parts = ["##### e2e environment %s (dir %s, %.0fs old)" % (
            self.name, self.dir, time.monotonic() - self.started)]
        for m in self.managers:
            parts.append(m.tail(60))
        if self.apiserver:
            parts.append(self.apiserver.process.tail(15))
            try:
                for what in ("aftersalestimeoutpolicies", "leases"):
                    parts.append("--- kubectl get %s -A -o yaml ---\n%s" % (
                        what, self.kubectl.get_yaml(what, all_namespaces=True)))
                r = self.kubectl.run("get", "events", "-A", check=False)
                parts.append("--- kubectl get events -A ---\n" + r.stdout + r.stderr)
            except Exception as e:  # diagnostics must never hide the real failure
                parts.append("(kubectl diagnostics failed: %s)" % e)
        if self.postgres:
            parts.append(self.postgres.process.tail(10))
        return "\n".join(parts)

    def close(self):
        errors = []
        for m in reversed(self.managers):
            try:
                m.stop()
            except Exception as e:
                errors.append(e)
        for part in (self.apiserver, self.postgres):
            if part is not None:
                try:
                    part.stop()
                except Exception as e:
                    errors.append(e)
        if self.failed or os.environ.get(KEEP_ENV) == "1":
            sys.stderr.write("e2e: kept %s for inspection\n" % self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)
        if errors:
            raise errors[0]


def _with_diagnostics(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except unittest.SkipTest:
            raise
        except BaseException:
            env = type(self).env
            if env is not None:
                env.failed = True
                sys.stderr.write("\n%s\n%s\n" % (traceback.format_exc(), env.diagnostics()))
            raise
    return wrapper


class E2ETestCase(unittest.TestCase):
    """One Environment per class (cls.env), closed after the class even when setUpClass fails
    half-way. Failing tests print the managers' log tails, the policies, Leases and events."""

    environment_name = "e2e"
    with_postgres = True
    env = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for attr, value in list(vars(cls).items()):
            if (attr.startswith("test") or attr == "setUp") and callable(value):
                setattr(cls, attr, _with_diagnostics(value))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = Environment(cls.environment_name, postgres=cls.with_postgres)
        cls.addClassCleanup(cls._close_env)

    @classmethod
    def _close_env(cls):
        if cls.env is not None:
            cls.env.close()
            cls.env = None

    def wait_for(self, predicate, timeout, what, interval=0.2):
        return wait_for(predicate, timeout, what, interval)
