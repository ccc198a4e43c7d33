"""bench/load.py's measuring and reporting: the CPU and load sampler, Locust's CSV read back per page,
and the Markdown printed for bench/README.md."""

import collections
import csv
import time
from pathlib import Path

TARGET_P95_MS = 300.0
TARGET_HOME_SERVER_P95_MS = 100.0
PAGES = ("home", "stats", "stats filtered", "comments", "comments q/topic", "live stream", "lesson", "store",
         "healthz (anchor)")



class Sampler:
    """The 1-minute load average and each group's CPU (uvicorn, celery, locust, postgres) every 5 s."""

    def __init__(self, groups):
        import psutil

        self.psutil, self.groups, self.samples = psutil, groups, []
        self.began = self.until = time.monotonic()
        self.last, self.latest = self.times(), {}

    def times(self):
        found = collections.defaultdict(float)
        for name, pid in self.groups.items():
            try:
                parent = self.psutil.Process(pid)
                family = [parent, *parent.children(recursive=True)]
            except self.psutil.NoSuchProcess:
                continue
            for process in family:
                try:
                    cpu = process.cpu_times()
                except self.psutil.NoSuchProcess:
                    continue
                found[name] += cpu.user + cpu.system
        for process in self.psutil.process_iter(["name"]):
            if process.info["name"] and process.info["name"].startswith("postgres"):
                try:
                    cpu = process.cpu_times()
                    found["postgres"] += cpu.user + cpu.system
                except self.psutil.NoSuchProcess:
                    pass
        return found

    def sample(self):
        self.samples.append(float(Path("/proc/loadavg").read_text().split()[0]))
        # the latest totals seen while each group was alive (a process's times vanish with it)
        self.latest.update(self.times())
        self.until = time.monotonic()

    def summary(self):
        seconds = max(1.0, self.until - self.began)
        # postgres backends come and go: their sum is a floor of what PostgreSQL used
        return {"load_1min_mean": round(sum(self.samples) / max(1, len(self.samples)), 2),
                "load_1min_max": max(self.samples, default=0),
                "cpu_cores_used": {name: round(max(0.0, value - self.last.get(name, 0)) / seconds, 2)
                                   for name, value in self.latest.items()}}


def read_stats(prefix):
    rows = {}
    with open(f"{prefix}_stats.csv") as file:
        for row in csv.DictReader(file):
            rows[(row["Type"], row["Name"])] = row
    return rows



def pages(stats):
    rows = []
    for name in PAGES:
        client = next((row for (kind, row_name), row in stats.items() if row_name == name and kind != "SERVER"), None)
        if client is None:
            continue
        server = stats.get(("SERVER", name))
        rows.append({"page": name, "requests": int(client["Request Count"]), "failures": int(client["Failure Count"]),
                     "p50_ms": float(client["50%"]), "p95_ms": float(client["95%"]), "max_ms": float(client["Max Response Time"]),
                     "rps": float(client["Requests/s"]),
                     "server_p50_ms": float(server["50%"]) if server else None,
                     "server_p95_ms": float(server["95%"]) if server else None})
    return rows


def print_markdown(result):
    m, during, sign_in = result["machine"], result.get("during", {}), result["sign_in"]
    print(f"\n### {result['responses']:,} company-shaped responses (+ the demo's), {result['users']} employees, "
          f"{result['date']}\n")
    print(f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory']} RAM, Python {m['python']}; responses in the "
          f"database {result['responses_in_database']:,}; uvicorn --workers {result['workers']} + 1 Celery worker "
          f"+ Locust (1 process) + PostgreSQL + Redis on the same machine.")
    print(f"Load average {result['load_average_before']} before, {result['load_average_after']} after; during the "
          f"measured browsing 1-min load mean {during.get('load_1min_mean')}, max {during.get('load_1min_max')}; "
          f"CPU cores used meanwhile: {during.get('cpu_cores_used')}.")
    if sign_in:
        print(f"Sign-in of {sign_in['users']} employees (arriving {result['spawn_rate']:g}/s) took {sign_in['seconds']} s: "
              f"POST p50 {sign_in['sign_in_p50_ms']} ms, p95 {sign_in['sign_in_p95_ms']} ms; "
              f"{sign_in['sign_in_failures']} of {sign_in['sign_in_requests']} attempts failed and were retried "
              f"({sign_in['gave_up']} gave up){': ' + '; '.join(sign_in['errors']) if sign_in['errors'] else ''}. "
              f"Not in the table: the statistics restart when the last one is in.")
    print(f"Browsing {result['measure']:g} s, think time {result['think']} s. Anchor `/healthz`: idle p50 "
          f"{result['healthz_idle_p50_ms']} ms, p95 {result['healthz_idle_p95_ms']} ms (server p50 "
          f"{result['healthz_idle_server_p50_ms']}, p95 {result['healthz_idle_server_p95_ms']}; one at a time, new "
          f"connection each, before the load); "
          f"under load in the table.\n")
    seconds = result["measure"]
    total = sum(row["requests"] for row in result["pages"])
    print(f"Under load: {total} requests in {seconds:g} s ({total / seconds:.1f}/s). Idle: each page alone before the "
          f"load, 5 requests per address, server time.\n")
    print("| page | requests | failures | p50 ms | p95 ms | max ms | server p50 ms | server p95 ms | idle server p50 ms "
          "| p95 ≤ 300 ms, no errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in result["pages"]:
        meets = row["p95_ms"] <= TARGET_P95_MS and not row["failures"]
        print(f"| {row['page']} | {row['requests']} | {row['failures']} | {row['p50_ms']:g} | {row['p95_ms']:g} | "
              f"{row['max_ms']:.0f} | {_ms(row['server_p50_ms'])} | {_ms(row['server_p95_ms'])} | "
              f"{_ms(row.get('idle_server_p50_ms'))} | {'yes' if meets else '**no**'} |")
    home = next((row for row in result["pages"] if row["page"] == "home"), None)
    if home and home["server_p95_ms"] is not None:
        print(f"\nHome page server time (Server-Timing) p95 {home['server_p95_ms']:g} ms: "
              f"{'meets' if home['server_p95_ms'] <= TARGET_HOME_SERVER_P95_MS else '**misses**'} ≤ 100 ms.")
    if result["failures"]:
        print("\nFailures:\n")
        for row in result["failures"]:
            print(f"- {row['Method']} {row['Name']}: {row['Error']} ({row['Occurrences']}×)")


def _ms(value):
    return "" if value is None else f"{value:g}"
