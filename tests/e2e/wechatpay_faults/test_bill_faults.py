"""Fault injection, WeChat Pay side (issue 8): the bill download task on the real manager while
the apply call (GET /v3/profitsharing/bills) and the file download (GET /v3/billdownload/file)
fail in the documented ways: an unsigned apply answer, a download answering 503, an announced
hash that does not match the file, 500 and 429 on apply and the download connection dropped.

Invariants (jobs.md section 3 billDownload, reference section 5.i), checked on disk, in the
database, the operation log and the resource:
- an untrusted apply answer is not followed: its URL is never fetched;
- a file is only ever placed whole and verified: a failed or mismatching download leaves no file
  and no temporary file, and its task row says `failed` with the reason;
- the run reports it (PartiallyFailed, BillDownloadFailing=True), retries it next run, and the
  condition turns back to Downloading once every date is in place;
- every date ends with exactly one file whose SHA-1 is the one WeChat Pay announced, and a
  downloaded date is never applied for again; the managers stay up and leak no secret.

Run: ORDEROPS_BIN_DIR=build/bin /usr/bin/python3 tests/e2e/wechatpay_faults/test_bill_faults.py"""

import datetime
import gzip
import hashlib
import os
import unittest

from wxf_support import (BILL_FILE, BILLS, RECEIVER, FaultSuite, beijing_today, mock_receiver,
                         op_summary, require_binaries)

APPLY, DOWNLOAD = "apply_bill", "download_bill"


class BillFaultsTest(FaultSuite):
    environment_name = "wxf-bills"
    NS = "shop-wxf-bills"
    NAME = "merchant-wxf-bills"
    spec_overrides = {"billDownload": {"lookbackDays": 2, "expireDays": 7},
                      "alerts": {"billDownloadFailures": 1}}

    def setUp(self):
        self.pg = self.env.postgres

    def test_bill_download_under_faults(self):
        self.seed_split(beijing_today() - datetime.timedelta(days=2))
        with self.subTest("apply answered unsigned"):
            self.apply_unsigned()
        with self.subTest("download answers 503"):
            self.download_unavailable()
        with self.subTest("announced hash does not match"):
            self.hash_mismatch()
        with self.subTest("apply 500 and 429, download dropped"):
            self.retried_to_success()
        with self.subTest("downloaded dates are not fetched again"):
            self.nothing_left()
        with self.subTest("managers up, no secret"):
            self.assertPaidAtMostOnce()
            self.assertHealthy()
            self.assertNoSecrets()

    # helpers --------------------------------------------------------------------------------------
    def seed_split(self, day):
        """A split of 1.23 yuan paid on `day` (Beijing), so that date's bill has a detail line:
        the mock's clock goes back for the admin seeding only."""
        back = int((datetime.datetime.now(datetime.timezone.utc) - datetime.datetime(
            day.year, day.month, day.day, 4, 0, tzinfo=datetime.timezone.utc)).total_seconds())
        self.mock.admin("POST", "/admin/time", {"advance_seconds": -back})
        try:
            self.mock.transaction("4200004001", 5000)
            self.mock.order("4200004001", "P-BILL-1", [mock_receiver(amount=123)],
                            state="FINISHED")
        finally:
            self.mock.admin("POST", "/admin/time", {"advance_seconds": back})
        self.split_day = day

    def tasks(self):
        """{date: (status, hash_value, local_path, last_error)} of the bill task rows."""
        return {r[0]: r[1:] for r in self.pg.query(
            "SELECT bill_date, status, coalesce(hash_value, ''), coalesce(local_path, ''), "
            "coalesce(last_error, '') FROM wechat_pay_profit_share_bill_task ORDER BY bill_date")}

    def files(self):
        return sorted(os.path.join(d, f) for d, _, fs in os.walk(self.storage) for f in fs)

    def path_of(self, day):
        iso = day.isoformat()
        return os.path.join(self.storage, iso[:4], iso[5:7], self.mock.mch_id,
                            "profit_share_%s_%s.csv.gz" % (iso, self.mock.mch_id))

    def bill_run(self, token, *faults):
        self.faults(*faults)
        mark = self.mock.last_seq()
        obj, last, ops = self.run_task("download-bill", token)
        return obj, last, ops, mark

    # scenarios ------------------------------------------------------------------------------------
    def apply_unsigned(self):
        """Every apply answer lacks the Wechatpay-* headers: not trusted, so no download URL
        from it is fetched; each date is `failed` with the reason; BillDownloadFailing."""
        obj, last, ops, mark = self.bill_run(
            "unsigned", {"kind": "unsigned", "count": -1, "method": "GET", "path": BILLS})
        self.dates = sorted(self.tasks())
        today = beijing_today()
        self.assertIn(self.split_day, self.dates)
        self.assertLessEqual(set(self.dates), {today - datetime.timedelta(days=d)
                                               for d in (1, 2)})
        self.assertOutcome(last, "PartiallyFailed", applied=0, downloaded=0,
                           failed=len(self.dates))
        self.assertEqual(self.mock.requests_since(mark, path=BILL_FILE), [])
        self.assertEqual(len(self.mock.requests_since(mark, "GET", BILLS)), 3 * len(self.dates))
        for day, (status, _, local, error) in self.tasks().items():
            self.assertEqual((status, local), ("failed", ""), day)
            self.assertIn("RESPONSE_UNSIGNED", error, day)
        self.assertEqual(op_summary(ops), [(APPLY, False)] * len(self.dates))
        self.assertEqual({o["error_code"] for o in ops}, {"RESPONSE_UNSIGNED"})
        self.assertEqual(self.files(), [])
        self.assertCondition(obj, "BillDownloadFailing", "True", "ConsecutiveFailures")

    def download_unavailable(self):
        """The file URL answers 503 every time: retried, then given up; no file and no
        temporary file anywhere; the dates stay `failed`."""
        obj, last, ops, mark = self.bill_run(
            "dl-503", {"kind": "503", "count": -1, "method": "GET", "path": BILL_FILE})
        n = len(self.dates)
        self.assertOutcome(last, "PartiallyFailed", applied=n, downloaded=0, failed=n)
        self.assertEqual(len(self.mock.requests_since(mark, "GET", BILL_FILE)), 3 * n)
        self.assertEqual(op_summary(ops), [(APPLY, True), (DOWNLOAD, False)] * n)
        self.assertEqual({t[0] for t in self.tasks().values()}, {"failed"})
        self.assertEqual(self.files(), [])
        self.assertCondition(obj, "BillDownloadFailing", "True", "ConsecutiveFailures")

    def hash_mismatch(self):
        """The first date's apply announces a wrong SHA-1: the downloaded bytes are discarded
        (no file, no temporary file), the date is `failed` with BILL_HASH_MISMATCH; any other
        date is placed."""
        first = self.dates[0]
        obj, last, ops, mark = self.bill_run("hash", {"kind": "bill_hash_mismatch"})
        n = len(self.dates)
        self.assertOutcome(last, "PartiallyFailed", applied=n, downloaded=n - 1, failed=1)
        self.assertIn(first.isoformat(), last["message"])
        self.assertEqual(op_summary(ops), [(APPLY, True), (DOWNLOAD, False)] +
                         [(APPLY, True), (DOWNLOAD, True)] * (n - 1))
        self.assertEqual(ops[1]["error_code"], "BILL_HASH_MISMATCH")
        status, _, local, error = self.tasks()[first]
        self.assertEqual((status, local), ("failed", ""))
        self.assertIn("BILL_HASH_MISMATCH", error)
        self.assertEqual(self.files(), [self.path_of(d) for d in self.dates[1:]])
        self.assertCondition(obj, "BillDownloadFailing", "True", "ConsecutiveFailures")

    def retried_to_success(self):
        """Apply answers 500, then 429 RATELIMIT_EXCEEDED, then the bill; its download is
        dropped once, then served: the date is placed, every date now has its verified file,
        and the condition turns back to Downloading."""
        first = self.dates[0]
        obj, last, ops, mark = self.bill_run(
            "retried", {"kind": "500", "method": "GET", "path": BILLS},
            {"kind": "429", "code": "RATELIMIT_EXCEEDED", "method": "GET", "path": BILLS},
            {"kind": "drop", "method": "GET", "path": BILL_FILE})
        self.assertOutcome(last, "Succeeded", applied=1, downloaded=1, failed=0)
        applies = self.mock.requests_since(mark, "GET", BILLS)
        self.assertEqual([r["status"] for r in applies], [500, 429, 200])
        self.assertEqual({r["target"] for r in applies}, {applies[0]["target"]})
        self.assertIn("bill_date=%s" % first.isoformat(), applies[0]["target"])
        self.assertEqual([r["status"] for r in self.mock.requests_since(mark, "GET", BILL_FILE)
                          ][-1], 200)
        self.assertEqual(op_summary(ops), [(APPLY, True), (DOWNLOAD, True)])
        self.assertGreaterEqual(ops[0]["duration_ms"], 1000, "429 must back off >= 1 s")
        self.assertEqual(self.files(), [self.path_of(d) for d in self.dates])
        for day, (status, hash_value, local, error) in self.tasks().items():
            self.assertEqual((status, local, error), ("downloaded", self.path_of(day), ""), day)
            with gzip.open(local) as f:
                csv = f.read()
            self.assertEqual(hashlib.sha1(csv).hexdigest(), hash_value.lower(), day)
            if day == self.split_day:
                detail = [l for l in csv.decode("utf-8").splitlines() if "`P-BILL-1," in l]
                self.assertEqual(len(detail), 1, csv)
                self.assertIn("`%s," % RECEIVER, detail[0])
        self.assertCondition(obj, "BillDownloadFailing", "False", "Downloading")

    def nothing_left(self):
        """A further run applies for nothing: every date in the window is downloaded."""
        _, last, ops, mark = self.bill_run("again")
        self.assertOutcome(last, "Succeeded", applied=0, downloaded=0, failed=0)
        self.assertEqual(self.mock.requests_since(mark, path=BILLS), [])
        self.assertEqual(self.mock.requests_since(mark, path=BILL_FILE), [])
        self.assertEqual(ops, [])
        self.assertEqual(len(self.files()), len(self.dates))


if __name__ == "__main__":
    require_binaries()
    unittest.main(verbosity=2)
