"""Security (issue 8): the manager and `orderops run -f` refuse an API server whose certificate
the kubeconfig's certificate-authority-data does not vouch for, say so in a log line naming the
TLS handshake, never become ready, and never send the bearer token to it.

Two impostors: a raw TLS listener (Python's ssl module) with its own self-signed certificate,
which records the handshake outcome and every byte it receives; and a second, real test API
server (its own generated CA). A positive control first shows that the listener does capture the
token when the client trusts it, so its silence in the wrong-CA case means something.

Run: /usr/bin/python3 tests/e2e/security/test_wrong_ca.py  (ORDEROPS_BIN_DIR=build/bin)"""

import os
import re
import subprocess
import time
import unittest

import yaml

import sec_support as sec
from orderops_e2e import CRDS_DIR, E2ETestCase, Kubectl, Manager, wait_for
from orderops_e2e.apiserver import ApiServer
from orderops_e2e.binaries import require
from orderops_e2e.process import Process

TLS_REFUSAL = re.compile(r"(?i)ssl handshake|certificate verify|tls")
# How long a refused manager is watched: several list attempts with backoff.
OBSERVE_SECONDS = 6


def start_raw_manager(name, kubeconfig, directory):
    """A manager process without the harness' readiness wait (it must never become ready)."""
    return Process(name, [require("orderops"), "manager", "--kubeconfig", kubeconfig,
                          "--leader-elect=false", "--metrics-bind-address", "127.0.0.1:0",
                          "--health-probe-bind-address", "127.0.0.1:0", "--log-format", "json",
                          "--log-level", "debug"], directory)


def probe_port(process):
    for entry in process.json_lines():
        if entry.get("msg") == "serving probes":
            return int(entry["port"])
    return None


def ready(port):
    import urllib.error
    import urllib.request
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/readyz" % port, timeout=3) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


class WrongCaTest(E2ETestCase):
    environment_name = "security-wrong-ca"
    with_postgres = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.server, cls.ca, cls.token = sec.kubeconfig_parts(env.apiserver.kubeconfig)
        cert, key = sec.self_signed(env.dir, "impostor")
        cls.impostor_cert = sec.read(cert)
        cls.listener = sec.TlsRecorder(cert, key)
        cls.addClassCleanup(cls.listener.stop)
        # The genuine kubeconfig (CA of the real API server) aimed at the impostor.
        cls.wrong_ca = sec.write_kubeconfig(env.apiserver.kubeconfig,
                                            os.path.join(env.dir, "kc-wrong-ca"),
                                            server=cls.listener.url)
        cls.trusting = sec.write_kubeconfig(env.apiserver.kubeconfig,
                                            os.path.join(env.dir, "kc-trusting"),
                                            server=cls.listener.url, ca_pem=cls.impostor_cert)
        manifest = {"apiVersion": "orderops.io/v1alpha1", "kind": "AftersalesTimeoutPolicy",
                    "metadata": {"name": "p", "namespace": "shop"},
                    "spec": {"schedule": "0 0 1 1 *",
                             "database": {"secretRef": {"name": "shop-db", "key": "uri"}}}}
        cls.manifest = os.path.join(env.dir, "policy.yaml")
        with open(cls.manifest, "w", encoding="utf-8") as f:
            yaml.safe_dump(manifest, f)

    def run_cli(self, kubeconfig):
        return subprocess.run([require("orderops"), "run", "-f", self.manifest, "-v",
                               "--kubeconfig", kubeconfig], capture_output=True, text=True,
                              timeout=60)

    def test_1_positive_control_listener_sees_the_token_when_trusted(self):
        """The listener is a working witness: a manager and `orderops run` that trust its
        certificate complete the handshake and send their bearer token to it."""
        r = self.run_cli(self.trusting)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)  # the listener answers 503
        m = start_raw_manager("control-manager", self.trusting, self.env.dir)
        try:
            wait_for(lambda: sum(1 for c in self.listener.snapshot()
                                 if b"Bearer " + self.token.encode() in c["data"]) >= 2,
                     20, "the token of run and manager at the trusted listener")
        finally:
            m.stop()
        self.assertTrue(all(c["handshake"] == "ok" for c in self.listener.snapshot()),
                        self.listener.snapshot())

    def test_2_wrong_ca_is_refused_and_gets_no_token(self):
        """Manager and `orderops run` with a CA that did not sign the server's certificate:
        no request is sent (no byte after a handshake), the client aborts the handshake, the
        manager never reports ready and logs the TLS refusal; `orderops run` exits 1 naming it."""
        seen = len(self.listener.snapshot())
        started = time.monotonic()
        m = start_raw_manager("wrong-ca-manager", self.wrong_ca, self.env.dir)
        try:
            port = wait_for(lambda: probe_port(m), 20, "the wrong-CA manager to serve probes")
            r = self.run_cli(self.wrong_ca)
            while time.monotonic() - started < OBSERVE_SECONDS:
                self.assertTrue(m.running(), m.tail())
                self.assertFalse(ready(port), "a manager that cannot verify the API server "
                                 "reports ready")
                time.sleep(0.5)
            refusals = [e for e in m.json_lines() if TLS_REFUSAL.search(e.get("error", ""))]
        finally:
            m.stop()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertRegex(r.stderr, TLS_REFUSAL)
        self.assertTrue(refusals, "no log line names the TLS failure:\n" + m.tail())
        attempts = self.listener.snapshot()[seen:]
        self.assertGreaterEqual(len(attempts), 2, "manager and run never even connected")
        for c in attempts:
            self.assertTrue(c["handshake"].startswith("failed"), c)
            self.assertEqual(c["data"], b"", "bytes sent to an unverified server: %r" % c)
        # The client rejected our certificate (its alert), not we the client.
        self.assertTrue(any(re.search(r"(?i)unknown ca|bad certificate|certificate",
                                      c["handshake"]) for c in attempts), attempts)

    def test_3_real_api_server_with_another_ca(self):
        """A real test API server whose certificate comes from another CA, with its own valid
        token in the kubeconfig: the manager still refuses it and never becomes ready."""
        other_dir = os.path.join(self.env.dir, "other-apiserver")
        os.makedirs(other_dir)
        other = ApiServer(other_dir)
        self.addCleanup(other.stop)
        Kubectl(other.kubeconfig, other_dir).run("apply", "-k", CRDS_DIR)
        kc = sec.write_kubeconfig(other.kubeconfig, os.path.join(self.env.dir, "kc-other"),
                                  ca_pem=self.ca)  # the first server's CA
        m = start_raw_manager("other-ca-manager", kc, self.env.dir)
        try:
            port = wait_for(lambda: probe_port(m), 20, "the manager to serve probes")
            wait_for(lambda: [e for e in m.json_lines()
                              if TLS_REFUSAL.search(e.get("error", ""))], 20,
                     "a log line naming the TLS refusal")
            self.assertFalse(ready(port))
            self.assertTrue(m.running(), m.tail())
        finally:
            m.stop()
        # Control: the same manager with that server's own CA becomes ready.
        good = Manager("other-good-manager", other.kubeconfig, self.env.dir)
        try:
            self.assertTrue(good.ready())
        finally:
            good.stop()

    def test_4_trusted_ca_but_wrong_host_name(self):
        """A certificate from the trusted CA issued for another host is refused too (host name
        verification, not only the chain); the same CA's certificate for 127.0.0.1 is accepted,
        so the refusal is about the name."""
        d = self.env.dir
        ca_cert, ca_key = sec.self_signed(d, "test-ca", cn="orderops-security-test-ca")
        results = {}
        for label, san in (("other-name", "DNS:api.elsewhere.example"),
                           ("right-name", "IP:127.0.0.1")):
            cert, key = sec.ca_signed(d, label, ca_cert, ca_key, san)
            listener = sec.TlsRecorder(cert, key)
            try:
                kc = sec.write_kubeconfig(self.env.apiserver.kubeconfig,
                                          os.path.join(d, "kc-" + label),
                                          server=listener.url, ca_pem=sec.read(ca_cert))
                r = self.run_cli(kc)
                m = start_raw_manager("manager-" + label, kc, d)
                try:
                    wait_for(lambda: len(listener.snapshot()) >= 2 and
                             all(c["handshake"] for c in listener.snapshot()), 20,
                             "run and manager to try %s" % label)
                finally:
                    m.stop()
                results[label] = (r, listener.snapshot(), m)
            finally:
                listener.stop()
        r, conns, m = results["other-name"]
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertRegex(r.stderr, TLS_REFUSAL)
        for c in conns:
            self.assertTrue(c["handshake"].startswith("failed"), c)
            self.assertEqual(c["data"], b"", "bytes sent to a server of another name: %r" % c)
        r, conns, m = results["right-name"]
        self.assertTrue(any(b"Bearer " + self.token.encode() in c["data"] for c in conns), conns)


if __name__ == "__main__":
    require("orderops")
    unittest.main(verbosity=2)
