"""Starts orderops-test-apiserver for one test class and gives tests kubectl, raw HTTP and admin
access to it. Each server gets a fresh port (0), TLS with its generated CA, a bearer token, a
temporary directory with the kubeconfig and its own KUBECACHEDIR. Run by /usr/bin/python3."""

import json
import os
import shutil
import signal
import ssl
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

SOURCE_DIR = os.environ.get(
    "ORDEROPS_SOURCE_DIR",
    os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..")))
BIN_DIR = os.environ.get("ORDEROPS_BIN_DIR", os.path.join(SOURCE_DIR, "build", "bin"))
SERVER = os.path.join(BIN_DIR, "orderops-test-apiserver")
KUBECTL = "/usr/bin/kubectl"
CRDS_DIR = os.path.join(SOURCE_DIR, "crds")


def crd_files():
    """The project's CRD manifests (crds/orderops.io_*.yaml)."""
    return [os.path.join(CRDS_DIR, f) for f in sorted(os.listdir(CRDS_DIR))
            if f.startswith("orderops.io_") and f.endswith(".yaml")]


def sample(name):
    return os.path.join(CRDS_DIR, "samples", name)


def load_yaml(path):
    import yaml
    with open(path) as f:
        return yaml.safe_load(f)


class Server:
    def __init__(self, *extra_args, token="test-token", tls=True):
        self.dir = tempfile.mkdtemp(prefix="orderops-apiserver-")
        self.token = token
        self.kubeconfig = os.path.join(self.dir, "kubeconfig")
        args = [SERVER, "--port", "0", "--admin-port", "0", "--token", token,
                "--write-kubeconfig", self.kubeconfig, "--tls=" + ("true" if tls else "false")]
        args += list(extra_args)
        self.stderr = open(os.path.join(self.dir, "server.log"), "w")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        self.admin = None
        self.url = None
        deadline = time.monotonic() + 20
        while self.url is None:
            line = self.proc.stdout.readline()
            if not line or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("test API server did not start: " + self.log())
            if line.startswith("admin listening on "):
                self.admin = line.split("admin listening on ", 1)[1].strip()
            elif line.startswith("listening on "):
                self.url = line.split("listening on ", 1)[1].strip()
        self.env = dict(os.environ, KUBECONFIG=self.kubeconfig,
                        KUBECACHEDIR=os.path.join(self.dir, "kubecache"), HOME=self.dir)
        self.ssl = None
        if tls:
            ca = self._ca_pem()
            self.ca_file = os.path.join(self.dir, "ca.crt")
            with open(self.ca_file, "w") as f:
                f.write(ca)
            self.ssl = ssl.create_default_context(cafile=self.ca_file)

    def _ca_pem(self):
        import base64
        import yaml
        with open(self.kubeconfig) as f:
            cfg = yaml.safe_load(f)
        return base64.b64decode(cfg["clusters"][0]["cluster"]["certificate-authority-data"]).decode()

    def log(self):
        try:
            with open(os.path.join(self.dir, "server.log")) as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.stderr.close()
        if self.proc.stdout:
            self.proc.stdout.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    # kubectl ---------------------------------------------------------------------------------
    def kubectl(self, *args, check=True, timeout=60, input=None):
        r = subprocess.run([KUBECTL, *args], env=self.env, capture_output=True, text=True,
                           timeout=timeout, input=input)
        if check and r.returncode != 0:
            raise AssertionError("kubectl %s failed (%d):\n%s%s" % (" ".join(args), r.returncode,
                                                                  r.stdout, r.stderr))
        return r

    def kubectl_bg(self, *args):
        return subprocess.Popen([KUBECTL, *args], env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    # raw HTTP --------------------------------------------------------------------------------
    def request(self, method, path, body=None, content_type="application/json", token=None,
                headers=None, timeout=30):
        """Returns (status, headers, parsed JSON or text)."""
        data = None
        if body is not None:
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", content_type)
        tok = self.token if token is None else token
        if tok:
            req.add_header("Authorization", "Bearer " + tok)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            resp = urllib.request.urlopen(req, context=self.ssl, timeout=timeout)
            status, hdrs, raw = resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as e:
            status, hdrs, raw = e.code, e.headers, e.read()
        text = raw.decode()
        try:
            return status, hdrs, json.loads(text)
        except ValueError:
            return status, hdrs, text

    def open_stream(self, path, timeout=30):
        req = urllib.request.Request(self.url + path)
        req.add_header("Authorization", "Bearer " + self.token)
        return urllib.request.urlopen(req, context=self.ssl, timeout=timeout)

    def admin_call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.admin + path, data=data, method=method)
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read().decode())


def read_events(stream, n, timeout=10):
    """Reads n newline-terminated watch events (or until the stream ends)."""
    events = []
    deadline = time.monotonic() + timeout
    while len(events) < n and time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            break
        events.append(json.loads(line))
    return events


class ServerTestCase(unittest.TestCase):
    """One server per test class; tests use their own namespaces to stay independent."""
    server_args = ()

    @classmethod
    def setUpClass(cls):
        if not os.path.exists(SERVER):
            raise unittest.SkipTest("orderops-test-apiserver is not built: " + SERVER)
        cls.server = Server(*cls.server_args)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def wait_for(self, predicate, timeout=10, what="condition"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.05)
        self.fail("timed out waiting for " + what)
