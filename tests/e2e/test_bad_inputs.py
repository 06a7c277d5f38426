"""The bad-input corpus (tests/data/bad): every malformed scenario, override and flag must stop
with exactly its expected message, exit code 2 and no output file (nor a temporary one).

Each case is NAME.expect: its first line the command ("$ parley run FILE [ARGS...]", run in
the corpus folder), the rest the exact standard error. Scenario cases are also checked with
`parley validate`, which must say the same."""
import glob
import os
import shlex
import subprocess
import tempfile
import unittest

BIN = os.environ["PARLEY_BIN"]
SRC = os.environ["PARLEY_SOURCE_DIR"]
CORPUS = os.path.join(SRC, "tests", "data", "bad")


def cases():
    for path in sorted(glob.glob(os.path.join(CORPUS, "*.expect"))):
        with open(path, encoding="utf-8") as f:
            command, *expected = f.read().splitlines()
        assert command.startswith("$ parley "), path
        yield os.path.basename(path)[:-len(".expect")], shlex.split(command[len("$ parley "):]), expected


class Corpus(unittest.TestCase):
    def test_the_corpus_is_large(self):
        self.assertGreaterEqual(len(list(cases())), 40)

    def test_every_case_fails_with_its_message_and_leaves_nothing(self):
        for name, args, expected in cases():
            with self.subTest(case=name), tempfile.TemporaryDirectory() as out_dir:
                out = os.path.join(out_dir, "out.h5")
                r = subprocess.run([BIN, *args, "-o", out], cwd=CORPUS, capture_output=True, text=True)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertEqual(r.stderr.splitlines(), expected)
                self.assertEqual(r.stdout, "")
                self.assertEqual(os.listdir(out_dir), [], "an output or temporary file was left")

    def test_validate_reports_the_same_for_scenarios_and_overrides(self):
        for name, args, expected in cases():
            extra = args[2:]
            if extra[::2] != ["--set"] * len(extra[::2]):
                continue  # a case about a flag of `run`
            with self.subTest(case=name):
                r = subprocess.run([BIN, "validate", *args[1:]], cwd=CORPUS, capture_output=True, text=True)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertEqual(r.stderr.splitlines(),
                                 [line.replace("parley run:", "parley validate:") for line in expected])


if __name__ == "__main__":
    unittest.main()
