"""crds/samples/: every valid sample passes the CRD schema after defaulting (unknown fields
refused, as `kubectl apply` does), every invalid-*.yaml fails on exactly the fields its
`# expect-invalid:` line names, and the samples and their Secrets fit together. Pure file checks;
applying them to an API server is the job of the API server tests."""

import unittest

from manifest_lib import load_all, repo_root, validate_object

SAMPLES = repo_root() / "crds" / "samples"
KINDS = {"AftersalesTimeoutPolicy", "ProfitShareSchedule"}
WECHATPAY_KEYS = {"apiclient_key.pem", "merchant_serial_no", "apiv3_key", "wechatpay_public_key.pem",
                  "wechatpay_public_key_id"}


def documents(path):
    return load_all(path.read_text(encoding="utf-8"))


def expected_invalid_fields(path):
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect-invalid:"):
            return set(line.split(":", 1)[1].split())
    raise AssertionError(f"{path.name}: no '# expect-invalid:' line")


class Samples(unittest.TestCase):
    def setUp(self):
        self.valid = {}
        self.secrets = {}
        for path in sorted(SAMPLES.glob("*.yaml")):
            if path.name.startswith("invalid-") or path.name == "kustomization.yaml":
                continue
            for doc in documents(path):
                if doc["kind"] in KINDS:
                    self.valid[(doc["kind"], doc["metadata"]["name"])] = (path, doc)
                elif doc["kind"] == "Secret":
                    self.secrets[doc["metadata"]["name"]] = doc

    def test_one_valid_sample_per_kind(self):
        self.assertEqual({kind for kind, _ in self.valid}, KINDS)
        self.assertIn(("AftersalesTimeoutPolicy", "shop-aftersales"), self.valid)
        self.assertIn(("ProfitShareSchedule", "merchant-1900009191"), self.valid)

    def test_valid_samples_pass_the_schema(self):
        for (kind, name), (path, doc) in self.valid.items():
            with self.subTest(sample=path.name):
                self.assertEqual(doc["apiVersion"], "orderops.io/v1alpha1")
                self.assertEqual(doc["metadata"].get("namespace"), "shop")
                self.assertEqual(validate_object(kind, doc), [])

    def test_invalid_samples_fail_on_the_documented_fields(self):
        invalid = sorted(SAMPLES.glob("invalid-*.yaml"))
        kinds = set()
        for path in invalid:
            with self.subTest(sample=path.name):
                text = path.read_text(encoding="utf-8")
                self.assertTrue(text.startswith("# INVALID ON PURPOSE"), "say so at the top")
                (doc,) = documents(path)
                kinds.add(doc["kind"])
                fields = {field for field, _ in validate_object(doc["kind"], doc)}
                self.assertEqual(fields, expected_invalid_fields(path))
                for field in fields:
                    self.assertIn(field, text.split("apiVersion:")[0], "comment names each field")
        self.assertEqual(kinds, KINDS, "one invalid sample per kind")

    def test_referenced_secrets_exist_with_their_keys(self):
        atp = self.valid[("AftersalesTimeoutPolicy", "shop-aftersales")][1]["spec"]
        pss = self.valid[("ProfitShareSchedule", "merchant-1900009191")][1]["spec"]
        for ref in (atp["database"]["secretRef"], pss["database"]["secretRef"]):
            secret = self.secrets[ref["name"]]
            self.assertIn(ref.get("key", "uri"), secret["stringData"])
            self.assertTrue(secret["stringData"][ref.get("key", "uri")].startswith("postgresql://"))
        credentials = self.secrets[pss["merchant"]["credentialsSecretRef"]["name"]]
        self.assertEqual(set(credentials["stringData"]), WECHATPAY_KEYS)
        for key, value in credentials["stringData"].items():
            with self.subTest(key=key):
                self.assertIn("PLACEHOLDER", value, "sample credentials must be obviously fake")
        self.assertNotIn("BEGIN", "".join(credentials["stringData"].values()))
        self.assertEqual(len(credentials["stringData"]["apiv3_key"].encode()), 32)

    def test_secrets_live_next_to_the_resources(self):
        for name, secret in self.secrets.items():
            with self.subTest(secret=name):
                self.assertEqual(secret["metadata"]["namespace"], "shop")
                self.assertEqual(secret["type"], "Opaque")

    def test_kustomization_has_the_valid_samples_only(self):
        (kustomization,) = documents(SAMPLES / "kustomization.yaml")
        listed = set(kustomization["resources"])
        on_disk = {p.name for p in SAMPLES.glob("*.yaml")} - {"kustomization.yaml"}
        self.assertEqual(listed, {n for n in on_disk if not n.startswith("invalid-")})

    def test_readme_documents_every_sample(self):
        readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
        for path in SAMPLES.glob("*.yaml"):
            with self.subTest(sample=path.name):
                self.assertIn(path.name, readme)


if __name__ == "__main__":
    unittest.main(verbosity=1)
