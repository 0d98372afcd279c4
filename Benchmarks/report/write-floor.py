#!/usr/bin/env python3
"""The write floor of a report: the seconds it takes to write the same files with nothing to compute.

Reads every file of a finished report folder into memory, then (as root) drops the kernel's caches as
Benchmarks/report/run does before each timed run, and writes the files again into an empty folder from
one thread, in large writes. What is left of the report's own time is making the bytes.

Usage: write-floor.py REPORT_FOLDER SCRATCH_FOLDER   (prints one JSON line; leaves SCRATCH_FOLDER for the
caller to remove after its last timed run, as deleting thousands of files slows the file creation that follows)
"""
import json
import os
import shutil
import subprocess
import sys
import time

source, scratch = sys.argv[1], sys.argv[2]
files = []
for folder, _, names in os.walk(source):
    for name in names:
        path = os.path.join(folder, name)
        with open(path, "rb") as f:
            files.append((os.path.relpath(path, source), f.read()))
shutil.rmtree(scratch, ignore_errors=True)
subprocess.run(["sync"], check=True)
if os.geteuid() == 0:
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3\n")

start, before = time.monotonic(), os.times()
for relative in sorted({os.path.dirname(r) for r, _ in files}):
    os.makedirs(os.path.join(scratch, relative), exist_ok=True)
for relative, data in files:
    fd = os.open(os.path.join(scratch, relative), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view[: 1 << 24]):]
    os.close(fd)
wall, after = time.monotonic() - start, os.times()
print(json.dumps({"files": len(files), "bytes": sum(len(d) for _, d in files), "wall": wall,
                  "user": after.user - before.user, "sys": after.system - before.system}))
