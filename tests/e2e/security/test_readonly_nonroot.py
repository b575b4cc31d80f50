"""Security (issue 8): the container runs non-root with a read-only root filesystem.

There is no Docker engine here, so the image itself cannot be run. Instead: (1) the Dockerfile's
runtime stage is checked (USER 65532:65532, the binary as entrypoint, nothing that needs writing
at run time); (2) the real `orderops manager` runs the way the rendered Deployment runs it: as
uid/gid 65532 with no capabilities and no_new_privs, in its own mount namespace whose root
filesystem is remounted read-only, with only the Deployment's writable volumes that exist here
(/tmp as a fresh tmpfs, like the emptyDir) writable. It must become ready, win the Lease, and
run an AftersalesTimeoutPolicy run-now to completion. (The securityContext fields of the
Deployment are asserted by tests/integration/manifests/check_render.py.)

Needs root (unshare --mount, mount, setpriv), which the test machines have; without it the test
fails, it does not skip.

Run: /usr/bin/python3 tests/e2e/security/test_readonly_nonroot.py  (ORDEROPS_BIN_DIR=build/bin)"""

import errno
import os
import re
import shutil
import subprocess
import unittest

import yaml

import sec_support  # noqa: F401  (sys.path for the harness)
from orderops_e2e import E2ETestCase, LeaseSettings, Manager, SOURCE_DIR, wait_for
from orderops_e2e.binaries import require

UID = 65532
NS = "shop-ro"
OPERATOR_NS = "orderops-system"
ROWS = 40

# Runs as root in a fresh mount namespace (unshare --mount): root read-only, /tmp a new tmpfs,
# the pod's kubeconfig directory bound read-only at its old path (the tmpfs hides it otherwise;
# `cd` first keeps a handle on it, --no-canonicalize makes mount use that handle), /dev/shm
# read-only; then drops to 65532 without capabilities and execs the manager.
NAMESPACE_SCRIPT = r"""
set -eu
pod_dir=$1; shift
mount --make-rprivate /
cd "$pod_dir"
mount --bind / /
mount -o remount,bind,ro /
mount -o remount,bind,ro /dev/shm
mount -t tmpfs -o size=256m,mode=1777,nosuid,nodev tmpfs /tmp
mkdir -p "$pod_dir"
mount --no-canonicalize --bind . "$pod_dir"
mount -o remount,bind,ro "$pod_dir"
cd /
shift  # the build's binary: it may live under /tmp, which the tmpfs hides; the pod's copy runs
exec setpriv --reuid 65532 --regid 65532 --clear-groups --no-new-privs --inh-caps=-all \
    --bounding-set=-all "$pod_dir/orderops" "$@"
"""


def runtime_stage(dockerfile_text):
    """The instructions after the last FROM, continuation lines joined."""
    text = re.sub(r"\\\n", " ", dockerfile_text)
    lines = [l.strip() for l in text.splitlines() if l.strip() and not l.strip().startswith("#")]
    last_from = max(i for i, l in enumerate(lines) if l.upper().startswith("FROM "))
    return lines[last_from:]


class ReadOnlyNonRootTest(E2ETestCase):
    environment_name = "security-readonly"

    def test_dockerfile_runtime_stage_is_non_root(self):
        """The image runs as 65532:65532 with the binary as entrypoint, and the runtime stage
        declares no VOLUME a read-only root would need."""
        with open(os.path.join(SOURCE_DIR, "Dockerfile"), encoding="utf-8") as f:
            stage = runtime_stage(f.read())
        users = [l for l in stage if l.upper().startswith("USER ")]
        self.assertEqual(users, ["USER %d:%d" % (UID, UID)], stage)
        user_at = stage.index(users[0])
        # Nothing after USER may run commands (they would run as 65532 at build time or need
        # root), and the image must start the binary directly.
        self.assertEqual([l for l in stage[user_at:] if l.upper().startswith("RUN ")], [])
        self.assertIn('ENTRYPOINT ["/usr/local/bin/orderops"]', stage)
        self.assertIn('CMD ["manager"]', stage)
        self.assertEqual([l for l in stage if l.upper().startswith("VOLUME")], [])
        # The bills directory (the Deployment mounts a volume there) belongs to 65532.
        self.assertTrue(any("chown -R 65532:65532 /var/lib/orderops" in l for l in stage), stage)

    def test_manager_runs_as_65532_on_a_read_only_root(self):
        """As 65532 without capabilities on a read-only root (only /tmp writable) the manager
        becomes ready, wins the Lease and completes an aftersales run-now."""
        for tool in ("unshare", "setpriv", "mount"):
            self.assertIsNotNone(shutil.which(tool), "%s is needed (util-linux)" % tool)
        self.assertEqual(os.geteuid(), 0, "mount namespaces need root here")
        env, pg = self.env, self.env.postgres

        # The writable volumes of the rendered Deployment; /tmp is the one provided here.
        rendered = subprocess.run(["kubectl", "kustomize", os.path.join(SOURCE_DIR, "manifests")],
                                  check=True, capture_output=True, text=True, timeout=60).stdout
        (deployment,) = [o for o in yaml.safe_load_all(rendered)
                         if o and o["kind"] == "Deployment"]
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        self.assertTrue(container["securityContext"]["readOnlyRootFilesystem"])
        self.assertEqual(container["securityContext"]["runAsUser"], UID)
        self.assertIn("/tmp", {m["mountPath"] for m in container["volumeMounts"]})

        # The pod's view of the kubeconfig: a directory 65532 can read (the token file of a
        # real pod is readable by its user too).
        pod_dir = os.path.join(env.dir, "pod")
        os.makedirs(pod_dir)
        os.chmod(pod_dir, 0o755)
        kubeconfig = os.path.join(pod_dir, "kubeconfig")
        shutil.copy(env.apiserver.kubeconfig, kubeconfig)
        os.chmod(kubeconfig, 0o644)
        # The image's binary: a copy in the pod directory, so a checkout under /tmp (which the
        # pod's tmpfs covers) still has one to run.
        shutil.copy(require("orderops"), os.path.join(pod_dir, "orderops"))
        os.chmod(os.path.join(pod_dir, "orderops"), 0o755)
        script = os.path.join(env.dir, "readonly-namespace.sh")
        with open(script, "w", encoding="utf-8") as f:
            f.write(NAMESPACE_SCRIPT)

        env.namespace(NS)
        env.namespace(OPERATOR_NS)
        env.secret(NS, "shop-db", {"uri": pg.url})
        pg.execute("INSERT INTO order_aftersales (id, type, reference_number, state, stage, "
                   "auto_process_time, refund_amount, create_time, update_time) SELECT g, "
                   "'return_refund', 'AS-RO-' || g, 'pending_approval', 'apply', "
                   "now() - interval '1 hour', 10.00, now(), now() "
                   "FROM generate_series(1, %s) AS g", (ROWS,))

        m = Manager("readonly-manager", kubeconfig, env.dir,
                    lease=LeaseSettings(name="readonly-leader", namespace=OPERATOR_NS),
                    wrapper=["unshare", "--mount", "sh", script, pod_dir])
        env.managers.append(m)  # stopped with the environment
        pid = m.process.pid

        with open("/proc/%d/status" % pid, encoding="utf-8") as f:
            status = f.read()
        self.assertRegex(status, r"Uid:\s+%d\s+%d\s+%d\s+%d" % ((UID,) * 4))
        self.assertRegex(status, r"Gid:\s+%d\s+%d\s+%d\s+%d" % ((UID,) * 4))
        self.assertRegex(status, r"CapEff:\s+0+\n")
        self.assertRegex(status, r"NoNewPrivs:\s+1")
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            self.assertEqual(f.read().split(b"\0")[1], b"manager")  # it is the manager itself
        # Behaviour, not mount tables (gVisor lists "/" twice): through /proc/PID/root the test
        # (root: permissions do not stop it) sees the files as the manager does. Nothing on the
        # root filesystem can be created; /tmp can, and it is not the host's /tmp.
        probe = "orderops-ro-probe-%d" % pid
        view = "/proc/%d/root" % pid
        # pod_dir holds the binary the pod runs (as the image's bin directory would).
        for directory in ("/", "/etc", "/var/tmp", pod_dir):
            path = os.path.join(directory, probe)
            try:
                open(view + path, "x").close()
            except OSError as e:
                self.assertEqual(e.errno, errno.EROFS, "%s: %s" % (path, e))
            else:
                os.unlink(view + path)  # it did reach the filesystem: undo, then fail
                self.fail("%s is writable in the manager's view" % path)
        open(view + "/tmp/" + probe, "x").close()
        self.assertFalse(os.path.exists("/tmp/" + probe), "the pod's /tmp is the host's")

        leader, _ = env.leader([m])
        env.kubectl.apply({"apiVersion": "orderops.io/v1alpha1", "kind": "AftersalesTimeoutPolicy",
                           "metadata": {"name": "ro-policy", "namespace": NS},
                           "spec": {"schedule": "0 0 1 1 *", "timeZone": "UTC", "batchSize": 10,
                                    "database": {"secretRef": {"name": "shop-db",
                                                               "key": "uri"}}}})
        env.kubectl.annotate("atp", "ro-policy", NS, "orderops.io/run-now", "ro-1")

        def finished():
            obj = env.kubectl.get("atp", "ro-policy", NS)
            st = (obj or {}).get("status", {})
            last = st.get("lastRun") or {}
            return last if st.get("lastHandledRunNow") == "ro-1" and \
                last.get("completionTime") else None
        last = wait_for(finished, 60, "the run-now of ro-policy to finish")
        self.assertEqual(last["outcome"], "Succeeded", last)
        self.assertEqual(last["counts"]["approved"], ROWS, last)
        self.assertEqual(pg.query("SELECT count(*) FROM order_aftersales WHERE state = "
                                  "'approved'"), [(ROWS,)])
        self.assertTrue(m.running(), m.tail())
        # No write attempt failed along the way (EROFS / EACCES would show in the log).
        self.assertNotRegex(m.raw_log(), r"(?i)read-only file system|permission denied", m.tail())


if __name__ == "__main__":
    require("orderops")
    unittest.main(verbosity=2)
