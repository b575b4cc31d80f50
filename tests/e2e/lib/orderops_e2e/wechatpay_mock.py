"""orderops-wechatpay-mock for one test environment (tests/support/wechatpay-mock/README.md): a free
port on 127.0.0.1, its generated merchant credentials read from the state directory, and the admin
API (/admin/...) as plain JSON calls. Not thread-safe; used from the test's main thread."""

import json
import os
import urllib.error
import urllib.request

from .binaries import require
from .process import Process, wait_for

# The files of the state directory that make up the merchant Secret (api.md section 1.3).
CREDENTIAL_FILES = ("apiclient_key.pem", "merchant_serial_no", "apiv3_key")


class WechatPayMock:
    def __init__(self, directory, name="wechatpay-mock", extra_args=(), start_timeout=30):
        self.state_dir = os.path.join(directory, name + "-state")
        os.makedirs(self.state_dir, exist_ok=True)
        self.process = Process(name, [
            require("orderops-wechatpay-mock"), "--state-dir", self.state_dir, "--port", "0",
            *extra_args], directory)
        self.url = wait_for(self._read_banner, start_timeout, "the WeChat Pay mock to listen")
        self.mch_id = self.file("mch_id").strip()

    def _read_banner(self):
        if not self.process.running():
            raise AssertionError("orderops-wechatpay-mock exited:\n" + self.process.tail())
        for line in self.process.stdout().splitlines():
            if line.startswith("listening on "):
                return line.split(" on ", 1)[1].strip()
        return None

    def file(self, name):
        with open(os.path.join(self.state_dir, name), encoding="utf-8") as f:
            return f.read()

    def credentials(self):
        """{key: content} for the credentials Secret's stringData."""
        return {name: self.file(name) for name in CREDENTIAL_FILES}

    def admin(self, method, path, body=None, timeout=10):
        """The admin answer as JSON; raises AssertionError with the body on a non-2xx status."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                text = resp.read().decode()
        except urllib.error.HTTPError as e:
            raise AssertionError("mock admin %s %s failed (%d): %s" % (
                method, path, e.code, e.read().decode("utf-8", "replace"))) from None
        return json.loads(text) if text.strip() else None

    # shorthands for the admin API ------------------------------------------------------------
    def transaction(self, transaction_id, amount, max_ratio=10000, **extra):
        return self.admin("POST", "/admin/transactions", dict(
            transaction_id=transaction_id, amount=amount, max_ratio=max_ratio, **extra))

    def order(self, transaction_id, out_order_no, receivers, state="PROCESSING", **extra):
        return self.admin("POST", "/admin/orders", dict(
            transaction_id=transaction_id, out_order_no=out_order_no, receivers=receivers,
            state=state, **extra))

    def hold(self, out_order_no, hold=True):
        return self.admin("POST", "/admin/outcomes", {"out_order_no": out_order_no, "hold": hold})

    def fault(self, kind, count=1, **extra):
        return self.admin("POST", "/admin/faults", dict(kind=kind, count=count, **extra))

    def clear_faults(self):
        return self.admin("DELETE", "/admin/faults")

    def orders(self):
        return self._items(self.admin("GET", "/admin/orders"), "orders")

    def ledger(self):
        return self._items(self.admin("GET", "/admin/ledger"), "ledger")

    def requests(self):
        return self._items(self.admin("GET", "/admin/requests"), "requests")

    def last_seq(self):
        """The seq of the newest recorded API request (0 when none): a mark for requests_since."""
        return max((r["seq"] for r in self.requests()), default=0)

    def requests_since(self, seq, method=None, path=None):
        """API requests after the mark `seq`, optionally one method and a path prefix (the
        query string is ignored for the prefix, as the mock's fault matching does)."""
        return [r for r in self.requests() if r["seq"] > seq and
                (method is None or r["method"] == method) and
                (path is None or r["target"].split("?", 1)[0].startswith(path))]

    def state(self):
        return self.admin("GET", "/admin/state")

    def rotate_certificate(self, retire_old=False):
        return self.admin("POST", "/admin/rotate-certificate", {"retire_old": retire_old})

    def bill(self, bill_date, status):
        """Forces a bill date's state: no_statement, generating or ready."""
        return self.admin("POST", "/admin/bills", {"bill_date": str(bill_date), "status": status})

    @staticmethod
    def _items(answer, key):
        # The admin lists answer either a bare array or {"<key>": [...]}.
        if isinstance(answer, dict):
            return answer.get(key, answer.get("items", []))
        return answer or []

    def stop(self):
        return self.process.stop()
