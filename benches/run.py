#!/usr/bin/env python3
"""Whole-process benchmark of mdbook-vision against do-nothing floors.

Run through `benches/run.sh` (which builds everything first). For each
synthetic book it runs, alternating so drift cancels out:

  unbuffered  the usual skeleton: from_reader(stdin) + to_writer(stdout), no buffering
  floor a     BufReader on stdin + typed serde structs + BufWriter on stdout
  floor b     floor a + one pulldown-cmark 0.13 offset pass over every chapter
  vision      target/release/mdbook-vision

and reports the median wall time, the peak RSS (GNU time -v) and the ratios,
then checks the targets of issue 9. Output goes to /dev/null, diagnostics too.
Environment: BENCH_QUICK=1 for fewer repetitions, BENCH_SIZES=200,2000 to pick sizes.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HARNESS = os.path.join(ROOT, "target", "bench-harness", "release")
DATA = os.path.join(ROOT, "target", "bench-data")
VISION = os.path.join(ROOT, "target", "release", "mdbook-vision")
GEN = os.path.join(HARNESS, "vision-bench-gen")
FLOOR = os.path.join(HARNESS, "vision-bench-floor")
TIME = "/usr/bin/time"

QUICK = os.environ.get("BENCH_QUICK") == "1"
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "200,2000,20000").split(",")]
REFS = 16
PROGRAMS = [
    ("unbuffered", [FLOOR, "unbuffered"]),
    ("a", [FLOOR, "a"]),
    ("b", [FLOOR, "b"]),
    ("vision", [VISION]),
]


def reps(size):
    if QUICK:
        return 3
    # Shared 2-core machines are noisy: enough rounds for a steady median.
    return {200: 21, 2000: 21}.get(size, 7)


def generate(size, shape, refs=0):
    name = f"book-{size}-{shape}" + (f"-refs{refs}" if refs else "") + ".json"
    path = os.path.join(DATA, name)
    if not os.path.exists(path):
        args = [GEN, "--chapters", str(size), "--shape", shape, "--seed", "1"]
        if refs:
            args += ["--refs", str(refs)]
        with open(path + ".tmp", "wb") as out:
            subprocess.run(args, stdout=out, check=True)
        os.replace(path + ".tmp", path)
    return path


def run_once(cmd, book):
    """(wall seconds, peak RSS KiB) of one run."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf, open(book, "rb") as stdin, open(
        os.devnull, "wb"
    ) as null, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        rc = subprocess.run(
            [TIME, "-v", "-o", tf.name] + cmd, stdin=stdin, stdout=null, stderr=err
        ).returncode
        wall = time.perf_counter() - t0
        if rc != 0:
            err.seek(0)
            tail = err.read().decode("utf-8", "replace")[-2000:]
            sys.exit(f"{' '.join(cmd)} < {book} failed with exit code {rc}:\n{tail}")
        rss = None
        for line in tf.read().splitlines():
            if "Maximum resident set size" in line:
                rss = int(line.rsplit(":", 1)[1])
        return wall, rss


def measure(book, size, programs):
    times = {p: [] for p, _ in programs}
    rss = {p: [] for p, _ in programs}
    for _ in range(reps(size)):
        for name, cmd in programs:  # alternating: one run of each per round
            w, r = run_once(cmd, book)
            times[name].append(w)
            rss[name].append(r)
    out = {p: (statistics.median(times[p]), max(rss[p])) for p, _ in programs}
    out["rounds"] = [{p: times[p][i] for p, _ in programs} for i in range(len(times["vision"]))]
    return out


def time_ratio(r, x, y):
    """Median over the rounds of x's wall ÷ y's in the same round: the two ran
    one after the other, so the host's drift between rounds cancels."""
    return statistics.median(rnd[x] / rnd[y] for rnd in r["rounds"])


def mib(kib):
    return f"{kib / 1024:.0f} MiB"


def main():
    if not (os.path.exists(TIME) and subprocess.run([TIME, "-v", "true"], capture_output=True).returncode == 0):
        sys.exit("benches: GNU time is needed for peak memory: apt-get install -y time")
    os.makedirs(DATA, exist_ok=True)
    books = []
    for size in SIZES:
        for shape in ("0.4", "0.5"):
            books.append((f"{size}", shape, "", generate(size, shape)))
    for size in SIZES:
        books.append((f"{size}", "0.5", f"refs×{REFS}", generate(size, "0.5", REFS)))

    rows = []
    results = {}
    for size, shape, series, book in books:
        mb = os.path.getsize(book) / 1e6
        print(f"… {size} chapters, mdBook {shape} {series} ({mb:.1f} MB)", file=sys.stderr, flush=True)
        r = measure(book, int(size), PROGRAMS)
        results[(size, shape, series)] = r
        rows.append((size, shape, series, mb, r))

    print()
    print(
        f"Machine: {os.cpu_count()} cores; medians of alternating runs (time ratios: the median of each"
        " round's ratio); peak RSS from `time -v`, the highest of the runs."
    )
    print()
    print("| chapters | mdBook | series | book JSON | unbuffered skeleton | floor (a) | floor (b) | mdbook-vision | vision ÷ (b) | vision ÷ (a) | RSS vision ÷ (a) | unbuffered ÷ vision |")
    print("| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size, shape, series, mb, r in rows:
        u, a, b, v = r["unbuffered"], r["a"], r["b"], r["vision"]
        cell = lambda x: f"{x[0]:.3f} s, {mib(x[1])}"
        print(
            f"| {int(size):,} | {shape} | {series or 'plain'} | {mb:.1f} MB | {cell(u)} | {cell(a)} | {cell(b)} | {cell(v)} "
            f"| {time_ratio(r, 'vision', 'b'):.2f}× | {time_ratio(r, 'vision', 'a'):.2f}× | {v[1] / a[1]:.2f}× "
            f"| {time_ratio(r, 'unbuffered', 'vision'):.2f}× |"
        )

    print()
    print("Targets (issue 9):")
    ok = True

    def check(label, value, limit, at_most=True):
        nonlocal ok
        good = value <= limit if at_most else value >= limit
        ok &= good
        print(f"- {'PASS' if good else 'FAIL'} {label}: {value:.2f} ({'≤' if at_most else '≥'} {limit})")

    for (size, shape, series), r in results.items():
        if int(size) >= 2000:
            check(f"{size} {shape} {series or 'plain'}: time vs floor (b)", time_ratio(r, "vision", "b"), 1.3)
        check(f"{size} {shape} {series or 'plain'}: peak RSS vs floor (a)", r["vision"][1] / r["a"][1], 1.5)
        if int(size) >= 2000:
            check(
                f"{size} {shape} {series or 'plain'}: speed-up over the unbuffered skeleton",
                time_ratio(r, "unbuffered", "vision"),
                2.5,
                at_most=False,
            )
    for shape, series in (("0.4", ""), ("0.5", ""), ("0.5", f"refs×{REFS}")):
        big, small = results.get(("20000", shape, series)), results.get(("2000", shape, series))
        if big and small:
            check(f"linear {shape} {series or 'plain'}: 20,000 time ÷ 2,000 time", big["vision"][0] / small["vision"][0], 11)
    # The speed-up target only means what the issue meant where the skeleton
    # is as far behind floor (b) as on the machine (3.1×): say how far
    # it is here, and what the 2.5× asks of mdbook-vision in floor (b)'s terms.
    print()
    print("How slow the unbuffered skeleton is here (issue 9's machine: 3.1× floor (b)):")
    for (size, shape, series), r in results.items():
        if int(size) >= 2000:
            gap = time_ratio(r, "unbuffered", "b")
            print(
                f"- {size} {shape} {series or 'plain'}: {gap:.2f}× floor (b), "
                f"so 2.5× faster than it means {gap / 2.5:.2f}× floor (b)"
            )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
