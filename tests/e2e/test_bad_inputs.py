"""The bad-input corpus (tests/data/bad): every malformed scenario, override and flag must stop
with exactly its expected message, exit code 2 and no output file (nor a temporary one).

Each case is NAME.expect: its first line the command ("$ parley run FILE [ARGS...]", run in
the corpus folder), the rest the exact standard error. Scenario cases are also checked with
`parley validate`, which must say the same."""
import glob
import os
import shlex
import shutil
import subprocess
import tempfile
import unittest

import h5py

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


class NotRegularFiles(unittest.TestCase):
    """A FIFO, a device or a directory in place of any input file, and an HDF5 file whose
    object is a link to another file: refused at once (exit 2, the path named), never read
    forever, never followed."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.tmp.name
        cls.scenario = os.path.join(SRC, "scenarios", "miami-2025.toml")
        cls.observed = os.path.join(SRC, "scenarios", "observations", "miami-2025.toml")
        cls.fifo = os.path.join(d, "fifo")
        os.mkfifo(cls.fifo)
        cls.runs = os.path.join(d, "runs.h5")
        cls.posterior = os.path.join(d, "posterior.h5")
        for args in (["run", cls.scenario, "-n", "20", "-o", cls.runs, "-q"],
                     ["calibrate", cls.scenario, "--observed", cls.observed, "--particles", "20",
                      "--generations", "1", "-o", cls.posterior, "-q"]):
            r = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=300)
            assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def refused(self, args, path, because):
        with tempfile.TemporaryDirectory() as out_dir:
            out = os.path.join(out_dir, "out.h5")
            r = subprocess.run([BIN, *args, *(["-o", out] if args[0] not in ("info", "status", "evaluate", "validate") else [])],
                               capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
            # `status` reports each file it cannot read in its table (exit 1), as for any other.
            code, said = (1, r.stdout) if args[0] == "status" else (2, r.stderr)
            self.assertEqual(r.returncode, code, r.stderr)
            self.assertIn(path, said)
            self.assertIn(because, said)
            self.assertEqual(os.listdir(out_dir), [])

    def test_no_input_is_read_from_a_fifo_a_device_or_a_directory(self):
        s, o = self.scenario, self.observed
        commands = [
            lambda x: ["run", x, "-n", "5"],
            lambda x: ["validate", x],
            lambda x: ["sweep", x, "--vary", "agents.russia.war_cost=0.1,0.2", "-n", "5"],
            lambda x: ["sweep", s, "--design", x, "-n", "5"],
            lambda x: ["calibrate", s, "--observed", x, "--particles", "10"],
            lambda x: ["calibrate", "--resume", x],
            lambda x: ["evaluate", s, "--text-file", x],
            lambda x: ["run", s, "-n", "5", "--posterior", x],
            lambda x: ["run", "--resume", x],
            lambda x: ["info", x],
            lambda x: ["status", x],
            lambda x: ["merge", x, self.runs],
        ]
        for path, kind in ((self.fifo, "a FIFO (named pipe)"), ("/dev/zero", "a device"), (self.tmp.name, "a directory")):
            for make in commands:
                args = make(path)
                with self.subTest(args=args):
                    self.refused(args, path, kind + ", not a regular file")

    def test_an_input_larger_than_a_file_stores_is_refused_before_it_is_read(self):
        # A sparse file of 64 MiB + 1 byte: the scenario is stored whole in every file written,
        # as a text of at most 64 MiB, so it is refused at once, not read and refused later.
        big = os.path.join(self.tmp.name, "big.toml")
        with open(big, "wb") as f:
            f.truncate((1 << 26) + 1)
        for args in (["run", big, "-n", "5"], ["sweep", self.scenario, "--design", big, "-n", "5"],
                     ["calibrate", self.scenario, "--observed", big]):
            with self.subTest(args=args):
                self.refused(args, big, f"{(1 << 26) + 1} bytes, more than an input file holds "
                                        f"(allowed: at most {1 << 26} bytes)")

    def test_a_read_error_is_not_the_end_of_a_file(self):
        # /proc/self/mem is a regular file whose reads fail: an error, never an empty text.
        self.refused(["evaluate", self.scenario, "--text-file", "/proc/self/mem"], "/proc/self/mem",
                     "Input/output error")

    def test_an_hdf5_link_to_another_file_is_refused_not_followed(self):
        for original, args in ((self.posterior, lambda p: ["run", self.scenario, "-n", "5", "--posterior", p]),
                               (self.posterior, lambda p: ["info", p]),
                               (self.runs, lambda p: ["info", p]),
                               (self.runs, lambda p: ["merge", p, self.runs])):
            for target in (self.fifo, self.runs):
                with self.subTest(original=os.path.basename(original), target=target, args=args("P")):
                    linked = os.path.join(self.tmp.name, "linked.h5")
                    shutil.copy(original, linked)
                    with h5py.File(linked, "r+") as f:
                        f["elsewhere"] = h5py.ExternalLink(target, "/runs")
                    self.refused(args(linked), linked, "elsewhere is an external or soft link")


if __name__ == "__main__":
    unittest.main()
