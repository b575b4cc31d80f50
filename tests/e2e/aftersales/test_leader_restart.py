"""End to end: a leader stopped with SIGTERM (a rolling restart) releases its Lease, so the other
replica leads within a retry period or two instead of waiting for the lease to expire (api.md
section 3), and the new leader keeps scheduling: the next slot runs on it, on time.

Run: /usr/bin/python3 tests/e2e/aftersales/test_leader_restart.py  (ORDEROPS_BIN_DIR=build/bin)"""

import calendar
import sys
import time
import unittest

from atp_support import (condition_is, last_run, policy, runs_total, seed, state_counts,
                         wait_policy)
from orderops_e2e import E2ETestCase, LeaseSettings
from orderops_e2e.binaries import require

NS = "shop-restart"
NAME = "every-minute"
# A long lease: a takeover well inside it can only come from the old leader releasing it.
LEASE = LeaseSettings(name="atp-restart", lease_duration="10s", renew_deadline="8s",
                      retry_period="1s")


def unix(rfc3339):
    return calendar.timegm(time.strptime(rfc3339, "%Y-%m-%dT%H:%M:%SZ"))


class LeaderRestartTest(E2ETestCase):
    environment_name = "atp-restart"

    def setUp(self):
        env = self.env
        env.namespace(NS)
        env.secret(NS, "shop-db", {"uri": env.postgres.url})
        seed(env.postgres, None, 1, 15)
        self.replicas = env.start_replicas(2, LEASE)

    def test_sigterm_releases_the_lease_and_the_new_leader_keeps_scheduling(self):
        env, pg = self.env, self.env.postgres
        old, (new,) = env.leader(self.replicas)
        # The slot under test must come after the handover: keep clear of a minute boundary.
        if 60 - time.time() % 60 < 15:
            time.sleep(60 - time.time() % 60 + 1)
        env.kubectl.apply(policy(NAME, NS, schedule="* * * * *"))
        obj = wait_policy(env, NS, NAME,
                          lambda o: condition_is(o, "Ready", "True") and
                          o["status"].get("nextScheduleTime"), 30,
                          "Ready with a nextScheduleTime from the first leader")
        next_slot = obj["status"]["nextScheduleTime"]
        self.assertGreater(unix(next_slot), time.time() + 3, "too close to the slot to test")

        # SIGTERM: the old leader releases the Lease and exits 0.
        old.sigterm()
        stopped_at = time.monotonic()
        env.leader([new], timeout=LEASE.seconds("lease_duration"))
        takeover = time.monotonic() - stopped_at
        sys.stderr.write("leader restart: takeover %.2fs after SIGTERM\n" % takeover)
        # Unreleased, the Lease would pass on no sooner than ~9s (10s minus at most one retry
        # period since the last renewal); released, at the follower's next retry (~1s).
        self.assertLess(takeover, 6, "the Lease was not released (takeover %.1fs)" % takeover)
        self.assertEqual(old.wait(20), 0, "SIGTERM is a clean stop")
        self.assertTrue(old.log_messages("released lease"), "no 'released lease' log line")
        self.assertEqual(old.log_messages("run started"), [])

        # The new leader runs the slot the old one announced, on time, and stays the only leader.
        obj = wait_policy(env, NS, NAME,
                          lambda o: (last_run(o) or {}).get("outcome") == "Succeeded", 90,
                          "the scheduled run on the new leader")
        run = last_run(obj)
        self.assertEqual(run["trigger"], "Schedule")
        self.assertEqual(run["scheduledTime"], next_slot)
        self.assertEqual(run["runID"], "%s-%d" % (NAME, unix(next_slot) // 60))
        self.assertLessEqual(unix(run["startTime"]) - unix(next_slot), 10, "late start")
        self.assertEqual(state_counts(pg, None, 1, 15),
                         {"approved": 5, "cancelled": 5, "pending_refund": 5})
        self.assertEqual(runs_total(new, NS, NAME, "Schedule", "Succeeded"), 1)
        self.assertEqual(new.metrics().value("orderops_leader"), 1)
        self.assertGreater(unix(obj["status"]["nextScheduleTime"]), unix(next_slot))
        lease = env.kubectl.get("lease", LEASE.name, LEASE.namespace)["spec"]
        self.assertEqual(lease["holderIdentity"], new.identity)
        self.assertEqual(lease["leaseTransitions"], 1)
        self.assertEqual(lease["leaseDurationSeconds"], LEASE.seconds("lease_duration"))


if __name__ == "__main__":
    require("orderops")
    unittest.main(verbosity=2)
