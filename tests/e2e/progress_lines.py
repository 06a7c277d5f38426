"""Waiting for a Parley process to make progress, on a machine of any speed: its plain progress
lines ("parley: DONE/TOTAL ...", printed off a terminal every PARLEY_PROGRESS_SECONDS) say how
many runs the file holds, so a test signals it once that is more than it needs, never after a
fixed sleep."""
import os
import re

# The environment that makes a process print a progress line every 50 ms.
ENV = dict(os.environ, PARLEY_PROGRESS_SECONDS="0.05")

_LINE = re.compile(r"parley: (\d+)/\d+ ")


def wait_for_progress(stream, beyond=0):
    """Reads `stream` (a process's stderr, text) until a progress line reports more than `beyond`
    runs done. Returns (True, the lines read), or (False, the lines read) if it ended first."""
    seen = []
    for line in stream:
        seen.append(line)
        m = _LINE.match(line)
        if m and int(m.group(1)) > beyond:
            return True, seen
    return False, seen
