"""Measure incidentctl against a floor, on generated repos, and print a table and ratios.

    python benchmarks/run.py --sizes 100,1000,10000 [--repeat 3]

For every size: the floor (read every record and parse its frontmatter with PyYAML's C
loader, nothing else), report cold/warm/after one update/after a resolve, lint cold and
--changed-since HEAD~1, list --json, show, update and resolve (also on a 10-incident
repo), and the floor of a lifecycle command (import typer + git add + git commit).
Wall-clock medians over repeated runs, and each command's peak memory (max RSS).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable
CLI = [PY, "-m", "incidentctl"]
FLOOR = r"""
import os, sys, yaml
loader = yaml.CSafeLoader
count = 0
for top in ("incidents", "actions"):
    for folder, _, files in os.walk(top):
        for name in files:
            if not name.endswith(".md"):
                continue
            with open(os.path.join(folder, name), "rb") as handle:
                text = handle.read().decode("utf-8")
            end = text.find("\n---\n", 3)
            yaml.load(text[4:end + 1], Loader=loader)
            count += 1
print(count)
"""


@dataclass
class Sample:
    seconds: float
    max_rss_mb: float


# As installed by pip, modules are byte-compiled; a shell that forbids writing bytecode
# would make every run compile incidentctl from source, which users do not pay.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Sample:
    """Run once; wall time and the child's own peak memory."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**CHILD_ENV, **(env or {})})
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}: {stderr}")
    return Sample(elapsed, usage.ru_maxrss / 1024)


def median(samples: list[Sample]) -> Sample:
    return Sample(statistics.median(s.seconds for s in samples),
                  max(s.max_rss_mb for s in samples))


def clear_cache(repo: Path) -> None:
    shutil.rmtree(repo / ".git" / "incidentctl" / "cache", ignore_errors=True)


def first_open_incident(repo: Path) -> str:
    """An open incident (or any, when none is open): updates work on both."""
    import json

    for status in ("open", "all"):
        out = subprocess.run([*CLI, "list", "--status", status, "--json"], cwd=repo,
                             capture_output=True, text=True, check=True).stdout
        found = json.loads(out)
        if found:
            return str(found[0]["id"])
    raise SystemExit(f"no incidents in {repo}")


def measure(repo: Path, small: Path, repeat: int) -> dict[str, Sample]:
    results: dict[str, Sample] = {}

    def many(name: str, cmd: list[str], cwd: Path, before: object = None) -> None:
        samples = []
        for _ in range(repeat):
            if callable(before):
                before()
            samples.append(run(cmd, cwd))
        results[name] = median(samples)

    report = [*CLI, "report", "--format", "json", "--since", "2000-01-01", "--until",
              "2030-01-01"]
    many("floor", [PY, "-c", FLOOR], repo)
    many("report cold", report, repo, before=lambda: clear_cache(repo))
    run(report, repo)
    many("report warm", report, repo)
    incident = first_open_incident(repo)
    subprocess.run([*CLI, "update", incident, "benchmark change"], cwd=repo, check=True,
                   capture_output=True)
    many("report warm, one changed", report, repo,
         before=lambda: run([*CLI, "update", incident, "another change"], repo))

    def figures_change() -> None:  # not a target: shows the cost when figures move
        new = subprocess.run([*CLI, "declare", "bench figures", "-s", "sev4"], cwd=repo,
                             capture_output=True, text=True, check=True).stdout.strip()
        run([*CLI, "resolve", new], repo)

    many("report warm, a resolve since", report, repo, before=figures_change)
    many("lint cold", [*CLI, "lint", "--format", "json"], repo,
         before=lambda: clear_cache(repo))
    many("lint --changed-since HEAD~1", [*CLI, "lint", "--changed-since", "HEAD~1"], repo)
    many("list --json", [*CLI, "list", "--json"], repo)
    many("show", [*CLI, "show", incident, "--json"], repo)
    many("update", [*CLI, "update", incident, "timing"], repo)
    small_incident = first_open_incident(small)
    many("update (10 incidents)", [*CLI, "update", small_incident, "timing"], small)
    marker = repo / "bench-floor.txt"

    def floor_commit() -> None:
        marker.write_text(str(time.perf_counter()))

    samples = []
    for _ in range(repeat):
        floor_commit()
        start = time.perf_counter()
        a = run([PY, "-c", "import typer"], repo)
        subprocess.run(["git", "add", "--", marker.name], cwd=repo, check=True)
        subprocess.run(["git", "commit", "-q", "-m", "floor", "--", marker.name], cwd=repo,
                       check=True)
        samples.append(Sample(time.perf_counter() - start, a.max_rss_mb))
    results["lifecycle floor (typer + git add + commit)"] = median(samples)
    for name, where in (("resolve", repo), ("resolve (10 incidents)", small)):
        resolve_samples = []
        for _ in range(repeat):
            out = subprocess.run([*CLI, "declare", "bench", "-s", "sev4"], cwd=where,
                                 capture_output=True, text=True, check=True).stdout.strip()
            resolve_samples.append(run([*CLI, "resolve", out], where))
        results[name] = median(resolve_samples)
    return results


RATIOS = [
    ("report cold / floor", "report cold", "floor", 1.5),
    ("report warm / floor", "report warm", "floor", 0.10),
    ("report warm, one changed / warm", "report warm, one changed", "report warm", 1.5),
    ("lint cold / floor", "lint cold", "floor", 2.0),
    ("lint --changed-since / update", "lint --changed-since HEAD~1", "update", 2.0),
    ("update / lifecycle floor", "update", "lifecycle floor (typer + git add + commit)", 1.5),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/incidentctl-bench"))
    parser.add_argument("--reuse", action="store_true",
                        help="Use repos already generated in --workdir.")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    args.workdir.mkdir(parents=True, exist_ok=True)
    small = args.workdir / "repo-10"
    if not (args.reuse and small.exists()):
        subprocess.run([PY, str(HERE / "generate.py"), "10", "--out", str(small)], check=True,
                       capture_output=True)
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}")
    table: dict[int, dict[str, Sample]] = {}
    for size in sizes:
        repo = args.workdir / f"repo-{size}"
        if not (args.reuse and repo.exists()):
            print(f"generating {size} incidents ...", file=sys.stderr)
            subprocess.run([PY, str(HERE / "generate.py"), str(size), "--out", str(repo)],
                           check=True, capture_output=True)
        table[size] = measure(repo, small, args.repeat)
    names = list(next(iter(table.values())))
    print("\n| measure | " + " | ".join(f"{s} incidents" for s in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for name in names:
        cells = [f"{table[s][name].seconds:.3f} s, {table[s][name].max_rss_mb:.0f} MB"
                 for s in sizes]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("\n| ratio | target | " + " | ".join(f"{s}" for s in sizes) + " |")
    print("|---|---|" + "---|" * len(sizes))
    failed = False
    for label, top, bottom, target in RATIOS:
        cells = []
        for size in sizes:
            value = table[size][top].seconds / table[size][bottom].seconds
            ok = value <= target
            failed |= not ok and size == max(sizes)
            cells.append(f"{value:.2f}{'' if ok else ' ✗'}")
        print(f"| {label} | ≤ {target} | " + " | ".join(cells) + " |")
    biggest = max(sizes)
    scale = table[biggest]["update"].seconds / table[biggest]["update (10 incidents)"].seconds
    print(f"| update at {biggest} / update at 10 | ≤ 1.2 | {scale:.2f} |")
    resolved = table[biggest]["resolve"].seconds / table[biggest]["resolve (10 incidents)"].seconds
    print(f"| resolve at {biggest} / resolve at 10 | (shown, not a target) | {resolved:.2f} |")
    memory = table[biggest]["report cold"].max_rss_mb
    print(f"| report peak memory at {biggest} | ≤ 300 MB | {memory:.0f} MB |")
    return 1 if failed or scale > 1.2 or memory > 300 else 0


if __name__ == "__main__":
    raise SystemExit(main())
