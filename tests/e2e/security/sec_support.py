"""Instruments of the security suite: throwaway certificates (openssl CLI), kubeconfig rewriting,
a raw TLS listener that records what a client sends after (or instead of) the handshake, and a
recording HTTPS reverse proxy in front of the test API server that sees exactly the requests one
client (the manager) makes. Loopback only, port 0. The listener and the proxy serve on daemon
threads; their stop() closes the listening socket."""

import base64
import http.client
import os
import socket
import ssl
import subprocess
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "profitshare"))


# certificates & kubeconfigs -------------------------------------------------------------------
def self_signed(directory, name, cn="127.0.0.1"):
    """(cert path, key path) of a fresh self-signed server certificate for 127.0.0.1 that is its
    own CA (so a kubeconfig can trust exactly it)."""
    cert, key = (os.path.join(directory, name + ext) for ext in (".crt", ".key"))
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=" + cn,
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-addext", "basicConstraints=critical,CA:TRUE",
                    "-keyout", key, "-out", cert], check=True, capture_output=True, timeout=30)
    return cert, key


def ca_signed(directory, name, ca_cert, ca_key, san):
    """(cert path, key path) of a server certificate for `san` (e.g. "DNS:x" or "IP:127.0.0.1")
    issued by the CA `ca_cert`/`ca_key`."""
    cert, key = (os.path.join(directory, name + ext) for ext in (".crt", ".key"))
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=" + name,
                    "-addext", "subjectAltName=" + san, "-addext", "basicConstraints=CA:FALSE",
                    "-CA", ca_cert, "-CAkey", ca_key, "-keyout", key, "-out", cert],
                   check=True, capture_output=True, timeout=30)
    return cert, key


def rsa_key_pem(timeout=30):
    """A fresh RSA-2048 PKCS#8 private key (PEM text): a well-formed key nobody registered."""
    return subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                           "rsa_keygen_bits:2048"], check=True, capture_output=True, text=True,
                          timeout=timeout).stdout


def read_kubeconfig(path):
    import yaml
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def kubeconfig_parts(path):
    """(server URL, CA PEM bytes, bearer token) of a single-cluster kubeconfig."""
    kc = read_kubeconfig(path)
    cluster = kc["clusters"][0]["cluster"]
    return (cluster["server"], base64.b64decode(cluster["certificate-authority-data"]),
            kc["users"][0]["user"]["token"])


def write_kubeconfig(src, dst, server=None, ca_pem=None, mode=0o600):
    """A copy of kubeconfig `src` with another server URL and/or CA."""
    import yaml
    kc = read_kubeconfig(src)
    cluster = kc["clusters"][0]["cluster"]
    if server:
        cluster["server"] = server
    if ca_pem is not None:
        cluster["certificate-authority-data"] = base64.b64encode(ca_pem).decode()
    with open(dst, "w", encoding="utf-8") as f:
        yaml.safe_dump(kc, f)
    os.chmod(dst, mode)
    return dst


def read(path):
    with open(path, "rb") as f:
        return f.read()


# raw TLS listener -----------------------------------------------------------------------------
class TlsRecorder:
    """Accepts TLS with its own certificate; per connection it records the handshake outcome and
    every byte the client sends after a successful handshake (then answers 503 and closes)."""

    def __init__(self, cert, key):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = "https://127.0.0.1:%d" % self.sock.getsockname()[1]
        self.lock = threading.Lock()
        self.connections = []  # dicts: handshake ("ok" or the error), data (bytes)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        record = {"handshake": None, "data": b""}
        with self.lock:
            self.connections.append(record)
        conn.settimeout(5)
        try:
            tls = self.ctx.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError) as e:
            record["handshake"] = "failed: %s" % e
            conn.close()
            return
        record["handshake"] = "ok"
        try:
            while b"\r\n\r\n" not in record["data"]:
                chunk = tls.recv(65536)
                if not chunk:
                    break
                record["data"] += chunk
            tls.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                        b"Connection: close\r\n\r\n")
        except (ssl.SSLError, OSError) as e:
            record["error"] = str(e)
        finally:
            tls.close()

    def snapshot(self):
        with self.lock:
            return [dict(c) for c in self.connections]

    def stop(self):
        self.sock.close()


# recording reverse proxy ----------------------------------------------------------------------
_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host",
        "proxy-connection", "te", "upgrade"}


class RecordingProxy:
    """HTTPS on 127.0.0.1 with its own certificate, forwarding every request to `upstream` (the
    test API server, trusted through `upstream_ca`). Records (method, path with query, user agent,
    request body) of each request; streams chunked answers (watches) chunk by chunk."""

    def __init__(self, cert, key, upstream, upstream_ca_pem):
        parts = urllib.parse.urlsplit(upstream)
        self.upstream = (parts.hostname, parts.port)
        self.upstream_ctx = ssl.create_default_context(cadata=upstream_ca_pem.decode())
        self.server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.server_ctx.load_cert_chain(cert, key)
        self.lock = threading.Lock()
        self.requests = []
        proxy = self

        class Handler(_ProxyHandler):
            owner = proxy

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def finish_request(self, request, client_address):
                # TLS per connection on the connection's own thread, so a slow client never
                # holds up the accept loop.
                try:
                    tls = proxy.server_ctx.wrap_socket(request, server_side=True)
                except (ssl.SSLError, OSError):
                    return
                try:
                    self.RequestHandlerClass(tls, client_address, self)
                finally:
                    tls.close()

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.url = "https://127.0.0.1:%d" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.2},
                         daemon=True).start()

    def record(self, entry):
        with self.lock:
            self.requests.append(entry)

    def snapshot(self):
        with self.lock:
            return list(self.requests)

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    owner = None

    def log_message(self, *args):
        pass

    def _body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return body
                body += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _forward(self):
        body = self._body()
        self.owner.record({"method": self.command, "path": self.path,
                           "user_agent": self.headers.get("User-Agent", ""),
                           "body": body.decode("utf-8", "replace")})
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
        upstream = http.client.HTTPSConnection(*self.owner.upstream,
                                               context=self.owner.upstream_ctx, timeout=120)
        try:
            upstream.request(self.command, self.path, body=body if body else None,
                             headers=headers)
            resp = upstream.getresponse()
            self.send_response_only(resp.status, resp.reason)
            for k, v in resp.getheaders():
                if k.lower() not in _HOP:
                    self.send_header(k, v)
            if resp.chunked or resp.getheader("Content-Length") is None:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                while True:
                    data = resp.read1(65536)
                    if not data:
                        break
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
            else:
                data = resp.read()
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            self.wfile.flush()
        except (OSError, http.client.HTTPException):
            self.close_connection = True
        finally:
            upstream.close()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _forward


# RBAC -----------------------------------------------------------------------------------------
def rendered_grants(source_dir):
    """{(scope, apiGroup, resource, verb)} of the Roles and ClusterRoles `kubectl kustomize
    manifests/` renders; scope is "cluster" or the Role's namespace."""
    import yaml
    out = subprocess.run(["kubectl", "kustomize", os.path.join(source_dir, "manifests")],
                         check=True, capture_output=True, text=True, timeout=60).stdout
    grants = set()
    for obj in yaml.safe_load_all(out):
        if not obj or obj.get("kind") not in ("Role", "ClusterRole"):
            continue
        scope = "cluster" if obj["kind"] == "ClusterRole" else obj["metadata"]["namespace"]
        for rule in obj.get("rules", []):
            for g in rule.get("apiGroups", []):
                for r in rule.get("resources", []):
                    for v in rule.get("verbs", []):
                        grants.add((scope, g, r, v))
    return grants


def request_attributes(method, path):
    """(apiGroup, resource[/subresource], verb, namespace) of a resource request as the API
    server's RBAC authorizer sees it, or None for a non-resource URL (discovery, /version)."""
    parts = urllib.parse.urlsplit(path)
    query = urllib.parse.parse_qs(parts.query)
    segs = [s for s in parts.path.split("/") if s]
    if len(segs) >= 2 and segs[0] == "api":
        group, rest = "", segs[2:]
    elif len(segs) >= 3 and segs[0] == "apis":
        group, rest = segs[1], segs[3:]
    else:
        return None
    if not rest:
        return None  # a group-version's discovery document
    namespace = None
    if rest[0] == "namespaces" and len(rest) >= 3:
        namespace, rest = rest[1], rest[2:]
    resource = rest[0]
    name = rest[1] if len(rest) > 1 else None
    if len(rest) > 2:
        resource += "/" + rest[2]
    watch = query.get("watch", [""])[0].lower() in ("true", "1")
    verb = {"GET": "get" if name else ("watch" if watch else "list"),
            "HEAD": "get" if name else "list",
            "POST": "create", "PUT": "update", "PATCH": "patch",
            "DELETE": "delete" if name else "deletecollection"}[method]
    return group, resource, verb, namespace


def allowed(grants, attributes):
    group, resource, verb, namespace = attributes
    return (("cluster", group, resource, verb) in grants or
            (namespace is not None and (namespace, group, resource, verb) in grants))
