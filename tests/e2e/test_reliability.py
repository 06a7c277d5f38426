"""Interrupted runs, resumption and output failures, with the real program and real files:
SIGINT/SIGTERM keep the finished runs in OUTPUT.partial (exit 130), `--resume` finishes them
into the file an uninterrupted run writes (bit for bit), and a full disk or an unwritable
directory stops a run with exit 1, a message naming the output, and no file left."""
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import numpy as np

import progress_lines
from h5files import datasets, differing, open_file, same

BIN = os.environ["PARLEY_BIN"]
SRC = os.environ["PARLEY_SOURCE_DIR"]
SCENARIO = os.path.join(SRC, "scenarios", "miami-2025.toml")
# Enough runs to interrupt part-way. The sanitizer builds run about ten times slower, and there
# scripts/test sets PARLEY_E2E_SCALE=0.1: as many seconds of work, a tenth of the runs.
SCALE = float(os.environ.get("PARLEY_E2E_SCALE", "1"))
RUNS = int(60000 * SCALE)




class InterruptAndResume(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def interrupt(self, args, sig, beyond=0):
        """Starts parley, waits until its progress lines report more than `beyond` runs done
        (so the file holds them, on a machine of any speed), signals it, and returns (exit code,
        stderr, seconds from the signal to the exit)."""
        args = [a for a in args if a != "-q"]
        with subprocess.Popen([BIN, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              env=progress_lines.ENV) as p:
            going, seen = progress_lines.wait_for_progress(p.stderr, beyond)
            if not going:
                p.wait(timeout=120)
                self.fail("the run ended before it could be interrupted: " + "".join(seen))
            sent = time.monotonic()
            p.send_signal(sig)
            rest = p.stderr.read()
            p.wait(timeout=120)
        return p.returncode, "".join(seen) + rest, time.monotonic() - sent

    def check_partial(self, partial, reference):
        with open_file(partial) as f:
            self.assertEqual(int(f.attrs["complete"]), 0)
            done = int(f.attrs["runs_done"])
            flags = f["runs/done"][()]
            self.assertTrue(0 < done < RUNS, done)
            # The finished runs are the first `done`, and they are the reference's rows.
            np.testing.assert_array_equal(flags, (np.arange(RUNS) < done).astype(np.int8))
            for name in ("agreement", "outcome", "deal", "utility", "batna", "zone_last"):
                self.assertTrue(same(f["runs/" + name][:done], reference["runs/" + name][:done]), name)
            self.assertEqual(int(f["summary/outcome_count"][()].sum()), done)
        return done

    def test_killed_twice_then_resumed_gives_the_uninterrupted_file(self):
        ref_path = os.path.join(self.dir, "reference.h5")
        r = subprocess.run([BIN, "run", SCENARIO, "-n", str(RUNS), "--trace", "3", "--threads", "2",
                            "-o", ref_path, "-q"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        reference = datasets(ref_path)
        out = os.path.join(self.dir, "out.h5")
        partial = out + ".partial"

        # SIGINT part-way: exit 130, the finished runs kept under the .partial name.
        code, err, stop = self.interrupt(["run", SCENARIO, "-n", str(RUNS), "--trace", "3", "--threads", "1",
                                          "-o", out, "-q"], signal.SIGINT)
        self.assertEqual(code, 130, err)
        print(f"\n  stopped {stop:.2f} s after SIGINT", file=sys.stderr)
        self.assertLess(stop, 10.0)  # it stops at the next block, not at the end of the run
        self.assertIn(f"parley run --resume {partial}", err)
        self.assertEqual(sorted(os.listdir(self.dir)), ["out.h5.partial", "reference.h5"])
        first = self.check_partial(partial, reference)
        # The last progress line counts the runs kept, not the runs asked for.
        last = [line for line in err.splitlines() if re.match(r"parley: \d+/\d+ ", line)][-1]
        self.assertTrue(last.startswith(f"parley: {first}/{RUNS} runs ("), last)

        # The resumption is interrupted too (SIGTERM), once it has finished runs of its own:
        # more runs kept, the same .partial.
        code, err, _ = self.interrupt(["run", "--resume", partial, "--threads", "1", "-q"], signal.SIGTERM,
                                      beyond=first)
        self.assertEqual(code, 130, err)
        self.assertIn("SIGTERM", err)
        second = self.check_partial(partial, reference)
        self.assertGreater(second, first)

        # The partial as its own output is refused, even with --force: the finished file would
        # be written onto it and then removed with it.
        with open(partial, "rb") as raw:
            before = raw.read()
        r = subprocess.run([BIN, "run", "--resume", partial, "-o", partial, "--force", "-q"],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(f"{partial}: is the partial file resumed", r.stderr)
        with open(partial, "rb") as raw:
            self.assertEqual(raw.read(), before)

        # Finished with another thread count: every dataset as in the uninterrupted run.
        r = subprocess.run([BIN, "run", "--resume", partial, "--threads", "2", "-q"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(os.listdir(self.dir)), ["out.h5", "reference.h5"])
        self.assertEqual(differing(reference, datasets(out)), [])
        with open_file(out) as f, open_file(ref_path) as g:
            self.assertEqual(int(f.attrs["complete"]), 1)
            self.assertEqual(int(f.attrs["runs_done"]), RUNS)
            for key in ("seed", "runs", "scenario_toml", "overrides", "trace_runs"):
                self.assertEqual(f.attrs[key], g.attrs[key], key)

    def test_an_interrupted_sweep_keeps_its_finished_rows(self):
        out = os.path.join(self.dir, "sweep.h5")
        code, err, _ = self.interrupt(["sweep", SCENARIO, "--vary", "protocol.max_rounds=6:18:3", "-n", "400000",
                                       "-o", out, "-q"], signal.SIGINT)
        self.assertEqual(code, 130, err)
        self.assertEqual(os.listdir(self.dir), ["sweep.h5.partial"])
        with open_file(out + ".partial") as f:
            self.assertEqual(int(f.attrs["complete"]), 0)
            done = int(f.attrs["runs_done"])
            self.assertTrue(0 < done < 1200000, done)
            np.testing.assert_array_equal(f["runs/done"][()], (np.arange(1200000) < done).astype(np.int8))
            self.assertTrue(np.all(f["runs/outcome"][:done] >= 0))
            self.assertTrue(np.all(f["runs/outcome"][done:] == -1))  # the fill value

    def test_a_calibration_is_interrupted_within_its_first_generation(self):
        # A generation of many particles takes long: its progress shows, and SIGINT stops it
        # there (the particles in flight finish), not once the whole generation is simulated.
        out = os.path.join(self.dir, "post.h5")
        particles = int(60000 * SCALE)
        observed = os.path.join(SRC, "scenarios", "observations", "miami-2025.toml")
        code, err, _ = self.interrupt(["calibrate", SCENARIO, "--observed", observed, "--particles",
                                       str(particles), "--threads", "1", "-o", out], signal.SIGINT)
        self.assertEqual(code, 130, err)
        self.assertIn("SIGINT: 0 generations finished, nothing written", err)
        self.assertNotIn("generation  0", err)
        self.assertEqual(os.listdir(self.dir), [])

    def test_an_interruption_stops_a_long_run_at_its_next_round(self):
        # One run of 100,000 rounds that cannot end in a deal (red lines apart): SIGINT stops it
        # at the start of a round, the run is not kept (it was not finished), and the file says
        # so; it used to run to its end first and keep it.
        out = os.path.join(self.dir, "long.h5")
        args = [BIN, "run", SCENARIO, "-n", "1", "--set", 'protocol.kind="alternating"',
                "--set", "protocol.max_rounds=100000", "--set", "agents.russia.red_lines.territory=[0.9,1.0]",
                "--set", "agents.ukraine.red_lines.territory=[0.0,0.1]", "--threads", "1", "-o", out, "-q"]
        with subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as p:
            # The run has begun once its output's temporary file exists (made before any run).
            while not [n for n in os.listdir(self.dir) if n.endswith(".tmp")] and p.poll() is None:
                time.sleep(0.01)
            p.send_signal(signal.SIGINT)
            err = p.stderr.read()
            p.wait(timeout=600)
        self.assertEqual(p.returncode, 130, err)
        self.assertIn("0 of 1 runs finished", err)
        with open_file(out + ".partial") as f:
            self.assertEqual(int(f.attrs["runs_done"]), 0)
            self.assertEqual(int(f["runs/done"][0]), 0)

    def test_a_run_of_a_trillion_runs_is_interrupted_and_resumed(self):
        # Reading back a partial file used to allocate a byte per run (10^12 bytes here), so a
        # run the scenario format accepts could never be resumed.
        runs = 10 ** 12
        out = os.path.join(self.dir, "big.h5")
        code, err, _ = self.interrupt(["run", SCENARIO, "-n", str(runs), "--threads", "1", "-o", out, "-q"],
                                      signal.SIGTERM)
        self.assertEqual(code, 130, err)
        with open_file(out + ".partial") as f:
            first = int(f.attrs["runs_done"])
        code, err, _ = self.interrupt(["run", "--resume", out + ".partial", "--threads", "1", "-q"],
                                      signal.SIGTERM, beyond=first)
        self.assertEqual(code, 130, err)
        with open_file(out + ".partial") as f:
            self.assertEqual(int(f.attrs["runs"]), runs)
            second = int(f.attrs["runs_done"])
            self.assertGreater(second, first)
            np.testing.assert_array_equal(f["runs/done"][:second + 10], (np.arange(second + 10) < second))

    def test_a_damaged_partial_is_refused_and_kept(self):
        # One byte of a chunk of runs/deal changed, as a failing disk or a copy cut short
        # changes it: its checksum no longer matches, and the resumption stops before writing.
        out = os.path.join(self.dir, "out.h5")
        partial = out + ".partial"
        code, err, _ = self.interrupt(["run", SCENARIO, "-n", "2000000", "--threads", "1", "-o", out, "-q"],
                                      signal.SIGTERM)
        self.assertEqual(code, 130, err)
        with open_file(partial) as f:
            chunk = f["runs/deal"].id.get_chunk_info(0)
        with open(partial, "r+b") as raw:
            raw.seek(chunk.byte_offset + chunk.size // 2)
            byte = raw.read(1)[0]
            raw.seek(chunk.byte_offset + chunk.size // 2)
            raw.write(bytes([byte ^ 0x10]))
        with open(partial, "rb") as raw:
            before = raw.read()
        r = subprocess.run([BIN, "run", "--resume", partial, "-q"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(r.stderr.count("\n"), 1, r.stderr)
        self.assertIn(f"{partial}: runs/deal: damaged, cannot be read", r.stderr)
        self.assertEqual(os.listdir(self.dir), ["out.h5.partial"])
        with open(partial, "rb") as raw:
            self.assertEqual(raw.read(), before)  # kept as it was

    def test_resume_refuses_what_it_cannot_finish(self):
        out = os.path.join(self.dir, "done.h5")
        self.assertEqual(subprocess.run([BIN, "run", SCENARIO, "-n", "50", "-o", out, "-q"]).returncode, 0)
        for args, message in [(["--resume", out], "the run is complete; there is nothing to resume"),
                              (["--resume", SCENARIO], "not an HDF5 file"),
                              (["--resume", out, "-n", "5"], "--resume takes the --runs of the interrupted run"),
                              ([SCENARIO, "--resume", out], "--resume takes no scenario FILE")]:
            r = subprocess.run([BIN, "run", *args], capture_output=True, text=True)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn(message, r.stderr)


def can_mount_tmpfs(path):
    return subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", path],
                          capture_output=True).returncode == 0


class OutputFailures(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def test_full_disk_stops_with_exit_1_and_leaves_nothing(self):
        # A 256 KiB tmpfs where the system allows mounting one; otherwise a file-size limit
        # (RLIMIT_FSIZE, with SIGXFSZ ignored), which fails writes the same way (EFBIG).
        small = os.path.join(self.dir, "small")
        os.mkdir(small)
        mounted = can_mount_tmpfs(small)
        try:
            def limit():
                if not mounted:
                    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
                    resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))
            out = os.path.join(small, "out.h5")
            r = subprocess.run([BIN, "run", SCENARIO, "-n", "20000", "-o", out, "-q"],
                               capture_output=True, text=True, preexec_fn=limit)
            self.assertEqual(r.returncode, 1, r.stderr)
            reason = "No space left on device" if mounted else "File too large"
            self.assertRegex(r.stderr, f"^parley run: {out}: .*{reason}\n$")
            self.assertEqual(os.listdir(small), [])
        finally:
            if mounted:
                subprocess.run(["umount", small])

    def test_unwritable_directory_stops_with_exit_1(self):
        # /proc takes no new files, even for root (for whom permission bits do not count).
        r = subprocess.run([BIN, "run", SCENARIO, "-n", "10", "-o", "/proc/parley-out.h5", "-q"],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertRegex(r.stderr, r"^parley run: /proc/parley-out.h5: cannot create a file in /proc: ")
        self.assertFalse(os.path.exists("/proc/parley-out.h5"))
        if os.geteuid() != 0:  # where permissions count, a read-only directory too
            ro = os.path.join(self.dir, "ro")
            os.mkdir(ro, 0o555)
            r = subprocess.run([BIN, "run", SCENARIO, "-n", "10", "-o", os.path.join(ro, "x.h5"), "-q"],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn("Permission denied", r.stderr)
            self.assertEqual(os.listdir(ro), [])


if __name__ == "__main__":
    unittest.main()
