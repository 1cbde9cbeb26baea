#!/usr/bin/env python3
"""Benchmarks for goto-xtask (issue #6). Python 3.11+, standard library only.

    python3 benches/run.py                  # everything, cold builds last (~25 min on 2 cores)
    python3 benches/run.py --skip-cold      # everything but the cold builds (~1 min)
    python3 benches/run.py --quick          # fewer runs of everything
    python3 benches/run.py --only token,cached
    python3 benches/run.py --only tests,demo --cold-runs 3   # a newcomer's first test run and demo

Every figure is a ratio of medians against a baseline measured in the same invocation, runs
interleaved (the order rotates every round), because the machine is shared and noisy. Nothing
here touches the network beyond 127.0.0.1: the sandbox binary serves GoTo locally, and cargo runs
with --offline. The shared target directory is only built into, never cleaned; cold builds use
fresh temporary target directories and a snapshot copy of the workspace.

Results go to stdout, to benches/results/latest.{md,json} (ignored by git), and with --write into
the marked block of BENCHMARKS.md. Goals and reasons are in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "benches" / "results"
# The cold-build floor: a crate with exactly the designed dependencies of the xtask, and a lock file.
FLOOR = ROOT / "benches" / "floor"
BENCHMARKS_MD = ROOT / "BENCHMARKS.md"
MARK_BEGIN = "<!-- results:begin (written by `python3 benches/run.py --write`) -->"
MARK_END = "<!-- results:end -->"

DEFAULT_ORDER = ["token", "cached", "smoke", "dotenv", "client", "cold", "tests", "demo"]

# The sandbox's seeded world (crates/goto-sandbox/src/seed.rs), used to fill the smoke catalog.
SEED_ACCOUNT_KEY = "6408928184882201760"
SEED_ORGANIZER_KEY = "3392217998392035586"

DOTENV_SIZES = [1_000, 10_000, 100_000]
# The crowd of first callers is measured twice: on a sandbox that answers at once (what is left is
# 100 threads' wake-ups on 2 cores) and with a token endpoint that takes as long as a real one.
CROWD_LATENCY = 100
DOTENV_REPS = {1_000: 21, 10_000: 11, 100_000: 5}


# ----------------------------------------------------------------------------------------------
# small helpers


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def rotate(items: list, by: int) -> list:
    by %= len(items)
    return items[by:] + items[:by]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for every measured process: no GOTO_* value from the caller's shell (the
    process environment overrides the env file), no compiler wrapper (a cache would fake cold
    builds), no colour, and no SSL_CERT_* that would change what the TLS stack loads."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("GOTO_")
        and k not in ("RUSTC_WRAPPER", "CARGO_BUILD_RUSTC_WRAPPER", "SSL_CERT_FILE", "SSL_CERT_DIR", "CI")
    }
    env["NO_COLOR"] = "1"
    env["CARGO_TERM_COLOR"] = "never"
    env.update(extra)
    return env


def run(cmd: list[str], *, cwd: Path | None = None, env: dict | None = None, check: bool = True,
        timeout: float = 3600) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise RuntimeError(
            f"`{' '.join(map(str, cmd))}` exited {result.returncode}:\n{result.stderr[-3000:]}"
        )
    return result


def timed(cmd: list[str], *, env: dict | None = None, cwd: Path | None = None,
          stderr_to_pipe: bool = False) -> tuple[float, str]:
    """Wall time of one process, from spawn to exit; fails on a non-zero exit."""
    started = time.perf_counter()
    result = subprocess.run(
        cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE if stderr_to_pipe else subprocess.DEVNULL, text=True,
        close_fds=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"`{' '.join(map(str, cmd))}` exited {result.returncode}: {result.stderr or ''}")
    return elapsed, result.stderr or ""


def interleaved(subjects: dict[str, dict], runs: int, label: str) -> dict[str, list[float]]:
    """Runs every subject `runs` times, round-robin, rotating the order each round."""
    times: dict[str, list[float]] = {name: [] for name in subjects}
    names = list(subjects)
    for round_ in range(runs):
        for name in rotate(names, round_):
            subject = subjects[name]
            elapsed, _ = timed(subject["cmd"], env=subject.get("env"), cwd=subject.get("cwd"))
            times[name].append(elapsed)
        if runs >= 10 and (round_ + 1) % max(1, runs // 4) == 0:
            log(f"{label}: {round_ + 1}/{runs} rounds")
    return times


class Results:
    """Rows for the table: each a subject against its baseline, or a reference figure."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.notes: list[str] = []
        self.raw: dict = {}

    def ratio(self, bench: str, subject: str, baseline: str, s: float, b: float, *, unit: str = "ms",
              goal: float | None = None, runs: str = "", spread: tuple | None = None) -> dict:
        ratio = s / b if b else float("nan")
        row = {
            "bench": bench, "subject": subject, "baseline": baseline, "subject_median": s,
            "baseline_median": b, "unit": unit, "ratio": ratio, "goal": goal, "runs": runs,
            "verdict": ("met" if ratio <= goal else "MISSED") if goal is not None else "ref",
        }
        if spread:
            row["spread"] = spread
        self.rows.append(row)
        return row

    def note(self, text: str) -> None:
        self.notes.append(text)
        log(text)


def fmt_value(value: float, unit: str) -> str:
    if unit == "ms":
        return f"{value * 1e3:.2f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "ns":
        return f"{value / 1e6:.2f} ms"
    return f"{value:g} {unit}"


# ----------------------------------------------------------------------------------------------
# builds and the sandbox


def cargo_target_dir() -> Path:
    meta = run(["cargo", "metadata", "--format-version", "1", "--no-deps", "--offline"], cwd=ROOT,
               env=clean_env())
    return Path(json.loads(meta.stdout)["target_directory"])


def build_binaries(args, work: Path, needs: set[str]) -> dict[str, Path]:
    """Builds what the warm benchmarks run, in the workspace's own target directory (as a user's
    `cargo xtask` would), then copies the binaries away so concurrent rebuilds cannot swap them."""
    env = clean_env()
    offline = ["--offline"] if args.offline else []
    bins: dict[str, Path] = {}
    target = cargo_target_dir()
    out = work / "bin"
    out.mkdir(exist_ok=True)
    if needs & {"token", "cached", "smoke"}:
        log("building target/debug/{xtask,goto-sandbox} (what `cargo xtask` runs)")
        run(["cargo", "build", *offline, "-p", "xtask", "-p", "goto-sandbox"], cwd=ROOT, env=env)
        for name in ("xtask", "goto-sandbox"):
            shutil.copy2(target / "debug" / name, out / f"{name}-debug")
            bins[f"{name}-debug"] = out / f"{name}-debug"
        if args.release:
            log("building target/release/xtask (for reference)")
            run(["cargo", "build", *offline, "--release", "-p", "xtask"], cwd=ROOT, env=env)
            shutil.copy2(target / "release" / "xtask", out / "xtask-release")
            bins["xtask-release"] = out / "xtask-release"
    if "client" in needs:
        log("building the client_bench example and the sandbox (release)")
        run(["cargo", "build", *offline, "--release", "--features", "async", "--example", "client_bench",
             "-p", "goto-auth"], cwd=ROOT, env=env)
        run(["cargo", "build", *offline, "--release", "-p", "goto-sandbox"], cwd=ROOT, env=env)
        shutil.copy2(target / "release" / "examples" / "client_bench", out / "client_bench")
        shutil.copy2(target / "release" / "goto-sandbox", out / "goto-sandbox-release")
        bins["client_bench"] = out / "client_bench"
        bins["goto-sandbox-release"] = out / "goto-sandbox-release"
    if "dotenv" in needs:
        log("building the dotenv_scale example (release)")
        run(["cargo", "build", *offline, "--release", "--example", "dotenv_scale", "-p", "goto-auth-core"],
            cwd=ROOT, env=env)
        shutil.copy2(target / "release" / "examples" / "dotenv_scale", out / "dotenv_scale")
        bins["dotenv_scale"] = out / "dotenv_scale"
    return bins


class Sandbox:
    """The sandbox binary on an ephemeral loopback port; its five GOTO_* lines."""

    def __init__(self, binary: Path, *extra: str) -> None:
        self.proc = subprocess.Popen(
            [str(binary), "--port", "0", *extra], stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True, env=clean_env(),
        )
        lines = [self.proc.stdout.readline().strip() for _ in range(5)]
        self.vars = dict(line.split("=", 1) for line in lines if "=" in line)
        if len(self.vars) != 5 or not self.vars.get("GOTO_AUTH_URL", "").startswith("http://127.0.0.1:"):
            self.close()
            raise RuntimeError(f"the sandbox did not print its five GOTO_* lines: {lines}")

    def env_file(self, path: Path) -> Path:
        path.write_text("".join(f"{k}={v}\n" for k, v in self.vars.items()))
        path.chmod(0o600)
        return path

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def guide_curl(vars: dict[str, str]) -> list[str]:
    """GoTo's guide's token request, with the PAT form-encoded (--data-urlencode): the sandbox's
    PATs hold + / =, which the guide's plain -d would send unencoded."""
    basic = base64.b64encode(f"{vars['GOTO_CLIENT_ID']}:{vars['GOTO_CLIENT_SECRET']}".encode()).decode()
    return [
        "curl", "-s", "-X", "POST", f"{vars['GOTO_AUTH_URL']}/oauth/token",
        "-H", f"Authorization: Basic {basic}",
        "-H", "Accept:application/json",
        "-H", "Content-Type: application/x-www-form-urlencoded",
        "--data-urlencode", "grant_type=personal_access_token",
        "--data-urlencode", f"pat={vars['GOTO_PAT']}",
    ]


def one_cert_file(work: Path) -> Path | None:
    """The first certificate of the system bundle, alone in a file: SSL_CERT_FILE pointing at it
    makes rustls-native-certs load one root instead of the whole platform store."""
    for bundle in ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"):
        try:
            text = Path(bundle).read_text()
        except OSError:
            continue
        match = re.search(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n", text, re.S)
        if match:
            path = work / "one-cert.pem"
            path.write_text(match.group(0))
            return path
    return None


def strace_counts(cmd: list[str], env: dict, work: Path) -> dict | None:
    if not shutil.which("strace"):
        return None
    trace = work / "strace.txt"
    run(["strace", "-f", "-qq", "-e", "trace=openat,connect,fsync,fdatasync", "-o", str(trace), *cmd],
        env=env)
    text = trace.read_text()
    return {
        "cert_files_opened": len(re.findall(r'openat\([^"]*"/etc/ssl/certs/', text)),
        "inet_connects": len(re.findall(r"connect\(\d+, \{sa_family=AF_INET", text)),
        "fsyncs": len(re.findall(r"\bf(?:data)?sync\(", text)),
    }


# ----------------------------------------------------------------------------------------------
# 2. token --force against the guide's curl


def bench_token(args, work: Path, bins: dict, res: Results) -> None:
    runs = args.runs
    with Sandbox(bins["goto-sandbox-debug"], "--no-rate-limit") as sandbox:
        vars = sandbox.vars
        env = clean_env()
        forced = sandbox.env_file(work / "token.env")
        cached = sandbox.env_file(work / "token-cached.env")
        curl = guide_curl(vars)

        # Check the baselines and subjects once before timing them.
        answer = json.loads(run(curl, env=env).stdout)
        assert answer.get("access_token"), "the guide's curl got no token"
        unencoded = run(["curl", "-s", "-X", "POST", f"{vars['GOTO_AUTH_URL']}/oauth/token",
                         "-H", curl[6], "-H", "Accept:application/json",
                         "-H", "Content-Type: application/x-www-form-urlencoded",
                         "-d", f"grant_type=personal_access_token&pat={vars['GOTO_PAT']}"], env=env)
        res.note("the guide's unencoded `-d \"grant_type=personal_access_token&pat=$PAT\"` against the "
                 f"sandbox's PAT (with + / =) answers: {unencoded.stdout.strip()[:120]}; "
                 "the baseline uses --data-urlencode")
        xd, xr = str(bins["xtask-debug"]), str(bins.get("xtask-release", ""))
        out = run([xd, "token", "--force", "--env-file", str(forced)], env=env)
        assert "New access token" in out.stderr, out.stderr
        run([xd, "token", "--env-file", str(cached)], env=env)
        out = run([xd, "token", "--env-file", str(cached)], env=env)
        assert "Reusing" in out.stderr, out.stderr

        subjects = {
            "curl": {"cmd": curl, "env": env},
            "debug": {"cmd": [xd, "token", "--force", "--env-file", str(forced)], "env": env},
            "spawn": {"cmd": ["/bin/true"], "env": env},
            "version": {"cmd": [xd, "--version"], "env": env},
            "cached": {"cmd": [xd, "token", "--env-file", str(cached)], "env": env},
            "guide-bash": {
                "cmd": ["bash", "-c",
                        'curl -s -X POST "$GOTO_AUTH_URL/oauth/token" '
                        '-H "Authorization: Basic $(echo -n $GOTO_CLIENT_ID:$GOTO_CLIENT_SECRET | base64)" '
                        '-H "Accept:application/json" -H "Content-Type: application/x-www-form-urlencoded" '
                        '--data-urlencode "grant_type=personal_access_token" --data-urlencode "pat=$GOTO_PAT"'],
                "env": {**env, **vars},
            },
        }
        cert = one_cert_file(work)
        if cert:
            subjects["debug-1cert"] = {"cmd": subjects["debug"]["cmd"], "env": clean_env(SSL_CERT_FILE=str(cert))}
        if xr:
            subjects["release"] = {"cmd": [xr, "token", "--force", "--env-file", str(forced)], "env": env}
        if args.cargo_run:
            subjects["cargo-xtask"] = {
                "cmd": ["cargo", "run", "-q", "--offline", "-p", "xtask", "--", "token", "--force",
                        "--env-file", str(forced)], "env": env, "cwd": ROOT}
            timed(subjects["cargo-xtask"]["cmd"], env=env, cwd=ROOT)  # warm: any rebuild happens here

        log(f"token: {len(subjects)} subjects x {runs} interleaved runs")
        t = interleaved(subjects, runs, "token")
        m = {k: median(v) for k, v in t.items()}
        r = f"{runs}"
        res.ratio("token", "target/debug/xtask token --force", "guide's curl", m["debug"], m["curl"],
                  goal=args.goal_token, runs=r)
        if "release" in m:
            res.ratio("token", "target/release/xtask token --force", "guide's curl", m["release"], m["curl"], runs=r)
        res.ratio("token", "guide's command in bash (+ base64 subshell)", "guide's curl", m["guide-bash"], m["curl"], runs=r)
        if "cargo-xtask" in m:
            res.ratio("token", "`cargo xtask token --force` (cargo run, up to date)", "guide's curl",
                      m["cargo-xtask"], m["curl"], runs=r)
        # Where the debug binary's time goes, as differences of medians measured side by side.
        res.ratio("token", "breakdown: /bin/true (spawn floor)", "guide's curl", m["spawn"], m["curl"], runs=r)
        res.ratio("token", "breakdown: xtask --version (startup)", "guide's curl", m["version"], m["curl"], runs=r)
        res.ratio("token", "breakdown: xtask token, cached (config, no client)", "guide's curl", m["cached"], m["curl"], runs=r)
        if "debug-1cert" in m:
            res.ratio("token", "breakdown: debug --force, SSL_CERT_FILE=1 cert (no platform CA store)",
                      "guide's curl", m["debug-1cert"], m["curl"], runs=r)
            res.note(
                "token --force, debug: the platform CA store costs "
                f"{(m['debug'] - m['debug-1cert']) * 1e3:.1f} ms of {m['debug'] * 1e3:.1f} ms "
                f"(median with the whole store minus median with SSL_CERT_FILE=one certificate); "
                f"the exchange without it is {m['debug-1cert'] / m['curl']:.2f}x curl"
            )
        counts = strace_counts(subjects["debug"]["cmd"], env, work)
        if counts:
            res.note(f"strace of one debug `token --force`: {counts['cert_files_opened']} files opened under "
                     f"/etc/ssl/certs, {counts['inet_connects']} TCP connect(s), {counts['fsyncs']} fsync(s)")
        res.raw["token"] = t


# ----------------------------------------------------------------------------------------------
# 3. the cached path against --version


def bench_cached(args, work: Path, bins: dict, res: Results) -> None:
    runs = max(args.runs, 10) * 3 // 2
    with Sandbox(bins["goto-sandbox-debug"], "--no-rate-limit") as sandbox:
        env = clean_env()
        cached = sandbox.env_file(work / "cached.env")
        xd = str(bins["xtask-debug"])
        run([xd, "token", "--env-file", str(cached)], env=env)
        before = cached.read_bytes()
        out = run([xd, "token", "--env-file", str(cached)], env=env)
        assert "Reusing" in out.stderr, out.stderr
        subjects = {
            "version": {"cmd": [xd, "--version"], "env": env},
            "cached": {"cmd": [xd, "token", "--env-file", str(cached)], "env": env},
        }
        if "xtask-release" in bins:
            xr = str(bins["xtask-release"])
            subjects["version-release"] = {"cmd": [xr, "--version"], "env": env}
            subjects["cached-release"] = {"cmd": [xr, "token", "--env-file", str(cached)], "env": env}
        log(f"cached: {len(subjects)} subjects x {runs} interleaved runs")
        t = interleaved(subjects, runs, "cached")
        assert cached.read_bytes() == before, "the cached path changed the env file"
        m = {k: median(v) for k, v in t.items()}
        res.ratio("cached", "target/debug/xtask token (cached)", "xtask --version", m["cached"], m["version"],
                  goal=args.goal_cached, runs=str(runs))
        if "cached-release" in m:
            res.ratio("cached", "target/release/xtask token (cached)", "release xtask --version",
                      m["cached-release"], m["version-release"], runs=str(runs))
        counts = strace_counts(subjects["cached"]["cmd"], env, work)
        if counts:
            res.note(f"strace of one cached `token`: {counts['inet_connects']} TCP connect(s), "
                     f"{counts['cert_files_opened']} certificate files opened, {counts['fsyncs']} fsync(s); "
                     "the env file is byte-identical after every run")
        res.raw["cached"] = t


# ----------------------------------------------------------------------------------------------
# 4. smoke against its critical path and against the calls one after another


TAKE = re.compile(r'take\(\s*"(\{[a-z_]+\})",\s*(USERS_ME|"[a-z_]+"),\s*"([^"]*)",?\s*\)')


def smoke_catalog() -> list[dict]:
    """The calls of xtask/src/smoke/catalog.rs, read from the source so they cannot drift: name,
    path template, the values each takes (placeholder, source call, JSON pointer), and the calls
    it waits for (its sources, and `users_me` for a call that needs a role)."""
    text = (ROOT / "xtask" / "src" / "smoke" / "catalog.rs").read_text()
    unquote = lambda name: "users_me" if name == "USERS_ME" else name.strip('"')  # noqa: E731
    constants = {m.group(1): m.group(2) for m in re.finditer(r"const ([A-Z_]+): Take = (take\(.*?\));", text, re.S)}
    calls = []
    for block in re.findall(r"Call \{(.*?)\n    \}", text, re.S):
        name = re.search(r'name:\s*(USERS_ME|"([^"]+)")', block)
        path = re.search(r'path:\s*"([^"]+)"', block)
        takes_text = re.search(r"takes:\s*&\[(.*?)\],\n", block, re.S)
        if not (name and path and takes_text):
            continue
        takes_src = takes_text.group(1)
        for constant, call in constants.items():
            takes_src = re.sub(rf"\b{constant}\b", call, takes_src)
        takes = [(ph, unquote(src), ptr) for ph, src, ptr in TAKE.findall(takes_src)]
        waits = sorted({src for _, src, _ in takes} | ({"users_me"} if "role: Some" in block else set()))
        calls.append({
            "name": unquote(name.group(1)),
            "path": path.group(1),
            "takes": takes,
            "waits": waits,
        })
    if len(calls) < 2 or calls[0]["name"] != "users_me":
        raise RuntimeError("could not read the smoke catalog from xtask/src/smoke/catalog.rs")
    return calls


def json_pointer(document, pointer: str):
    """RFC 6901: the value at `pointer`, or None."""
    for part in pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(document, list) and part.isdigit() and int(part) < len(document):
            document = document[int(part)]
        elif isinstance(document, dict) and part in document:
            document = document[part]
        else:
            return None
    return document


def fill_path(path: str, takes: list = (), answers: dict | None = None) -> str | None:
    """The path with its dates filled, and each value it takes from an earlier answer (None when
    one is missing: the call is skipped, as smoke skips it)."""
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    day = dt.timedelta(days=1)
    at = lambda t: urllib.parse.quote(t.strftime("%Y-%m-%dT%H:%M:%SZ"), safe="-._~")  # noqa: E731
    for placeholder, value in {
        "{start}": at(now - 7 * day), "{end}": at(now),
        "{from}": at(now - 14 * day), "{to}": at(now + 14 * day),
    }.items():
        path = path.replace(placeholder, value)
    for placeholder, source, pointer in takes:
        value = json_pointer((answers or {}).get(source), pointer)
        if value is None:
            return None
        path = path.replace(placeholder, urllib.parse.quote(str(value), safe="-._~"))
    return path


SMOKE_LINE = re.compile(r"in ([\d.]+) s \(calls took ([\d.]+) s in all(?:, ([\d.]+) s on the critical path)?\)")


def bench_smoke(args, work: Path, bins: dict, res: Results) -> None:
    rounds = args.rounds
    latency = args.latency
    calls = smoke_catalog()
    with Sandbox(bins["goto-sandbox-debug"], "--latency", str(latency)) as sandbox:
        env = clean_env()
        envfile = sandbox.env_file(work / "smoke.env")
        xd = str(bins["xtask-debug"])
        token = run([xd, "token", "--print", "--env-file", str(envfile)], env=env).stdout.strip()
        base = sandbox.vars["GOTO_API_URL"]
        smoke_cmd = [xd, "smoke", "--env-file", str(envfile)]
        smoke_env = clean_env(CI="true")

        def curl_get(call: dict, answers: dict) -> float:
            """One call with curl, its answer kept for the calls that take values from it; 0 s
            for a call whose value is missing (smoke skips it)."""
            path = fill_path(call["path"], call["takes"], answers)
            if path is None:
                return 0.0
            body = work / "answer.json"
            cmd = ["curl", "-s", "-o", str(body), "-w", "%{http_code}", "-H", f"Authorization: Bearer {token}",
                   "-H", "Accept: application/json", base + path]
            started = time.perf_counter()
            out = subprocess.run(cmd, capture_output=True, text=True, env=env)
            elapsed = time.perf_counter() - started
            if out.stdout != "200":
                raise RuntimeError(f"curl {call['name']} answered {out.stdout}")
            answers[call["name"]] = json.loads(body.read_text())
            return elapsed

        def critical_path(times: dict) -> float:
            """When the last call could finish if each started as soon as the calls it waits for
            had answered."""
            finish: dict[str, float] = {}
            for call in calls:  # the catalog lists sources before the calls that take from them
                finish[call["name"]] = times[call["name"]] + max(
                    (finish[source] for source in call["waits"]), default=0.0)
            return max(finish.values())

        walls, inner, summed, own_cp, sequential, critical = [], [], [], [], [], []
        log(f"smoke: {rounds} rounds of (smoke, {len(calls)} curl GETs one after another), latency {latency} ms")
        for round_ in range(rounds):
            for what in rotate(["smoke", "curl"], round_):
                if what == "smoke":
                    wall, stderr = timed(smoke_cmd, env=smoke_env, stderr_to_pipe=True)
                    match = SMOKE_LINE.search(stderr.strip().splitlines()[-1])
                    if not match:
                        raise RuntimeError(f"unexpected smoke summary: {stderr.strip().splitlines()[-1]}")
                    walls.append(wall)
                    inner.append(float(match.group(1)))
                    summed.append(float(match.group(2)))
                    if match.group(3):
                        own_cp.append(float(match.group(3)))
                else:
                    answers: dict = {}
                    times = {call["name"]: curl_get(call, answers) for call in calls}
                    sequential.append(sum(times.values()))
                    critical.append(critical_path(times))
        cp, seq = median(critical), median(sequential)
        r = str(rounds)
        res.ratio("smoke", f"xtask smoke, wall of the calls (its summary), latency {latency} ms",
                  "critical path: the slowest chain of curl calls (each after the calls it takes values from)", median(inner), cp, unit="s",
                  goal=args.goal_smoke, runs=r)
        res.ratio("smoke", "xtask smoke, whole process (startup, token, snapshots)",
                  "critical path (curl)", median(walls), cp, unit="s", runs=r)
        res.ratio("smoke", "xtask smoke, wall of the calls", f"the {len(calls)} calls one after another (curl)",
                  median(inner), seq, unit="s", runs=r)
        res.ratio("smoke", "xtask smoke, sum of its call times", f"the {len(calls)} calls one after another (curl)",
                  median(summed), seq, unit="s", runs=r)
        if own_cp:
            res.ratio("smoke", "xtask smoke, wall of the calls", "its own critical path (as it reports)",
                      median(inner), median(own_cp), unit="s", runs=r)
        res.raw["smoke"] = {"wall": walls, "calls_wall": inner, "calls_sum": summed, "own_critical": own_cp,
                            "curl_sequential": sequential, "curl_critical": critical}


# ----------------------------------------------------------------------------------------------
# 5. .env update at 1k, 10k, 100k lines


def bench_dotenv(args, work: Path, bins: dict, res: Results) -> None:
    rounds = args.rounds
    example = str(bins["dotenv_scale"])
    samples: dict[int, list[dict]] = {n: [] for n in DOTENV_SIZES}
    log(f"dotenv: {rounds} rounds of {DOTENV_SIZES} lines")
    for round_ in range(rounds):
        for n in rotate(DOTENV_SIZES, round_):
            out = run([example, str(n), str(DOTENV_REPS[n])], env=clean_env(TMPDIR=str(work)))
            fields = dict(kv.split("=", 1) for kv in out.stdout.split())
            samples[n].append({k: int(v) for k, v in fields.items()})
    t = {n: median([s["median_ns"] for s in samples[n]]) for n in DOTENV_SIZES}
    floor = {n: median([s["floor_median_ns"] for s in samples[n]]) for n in DOTENV_SIZES}
    hwm = {n: max(s["vm_hwm_kb"] for s in samples[n]) for n in DOTENV_SIZES}
    size = {n: samples[n][0]["bytes"] for n in DOTENV_SIZES}
    maxrss = {}
    if Path("/usr/bin/time").exists():
        for n in DOTENV_SIZES:
            out = run(["/usr/bin/time", "-v", example, str(n), "3"], env=clean_env(TMPDIR=str(work)))
            match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr)
            if match:
                maxrss[n] = int(match.group(1))
    r = f"{rounds}x{'/'.join(str(DOTENV_REPS[n]) for n in DOTENV_SIZES)}"
    small = DOTENV_SIZES[0]
    for n in DOTENV_SIZES[1:]:
        factor = n // small
        res.ratio("dotenv", f"update_file, {n:,} lines", f"update_file, {small:,} lines", t[n], t[small],
                  unit="ns", goal=1.2 * factor, runs=r)
    for n in DOTENV_SIZES:
        res.ratio("dotenv", f"update_file, {n:,} lines ({size[n] / 1e6:.2f} MB)",
                  "std read + write tmp + fsync + rename, same bytes", t[n], floor[n], unit="ns", runs=r)
    for n in DOTENV_SIZES:
        rss = f", /usr/bin/time max RSS {maxrss[n] / 1024:.1f} MiB" if n in maxrss else ""
        res.note(f"dotenv {n:>7,} lines: {t[n] / 1e6:8.2f} ms, {t[n] / n:7.0f} ns/line, peak RSS (VmHWM) "
                 f"{hwm[n] / 1024:.1f} MiB for a {size[n] / 1e6:.2f} MB file{rss}")
    res.raw["dotenv"] = {str(n): samples[n] for n in DOTENV_SIZES} | {"maxrss_kb": maxrss}


# ----------------------------------------------------------------------------------------------
# goto-auth in the team's own code (issue #18): the client against bare reqwest


def bench_client(args, work: Path, bins: dict, res: Results) -> None:
    """`GoTo::get` and `AsyncGoTo::get` with a cached token against reqwest's blocking and async
    clients sending the same GET by hand and parsing the JSON (release builds, interleaved inside
    one process by the `client_bench` example, median per round); then 100 first callers at once
    against one, each with a fresh client, the exchange included."""
    rounds = args.rounds
    bench = str(bins["client_bench"])
    gets: list[dict] = []
    crowds: dict[int, list[dict]] = {0: [], CROWD_LATENCY: []}
    log(f"client: {rounds} rounds of get (9 x 300 calls each) and crowd (100 callers), the crowd also "
        f"with {CROWD_LATENCY} ms of sandbox latency")
    for latency in crowds:
        extra = ["--latency", str(latency)] if latency else []
        with Sandbox(bins["goto-sandbox-release"], "--no-rate-limit", *extra) as sandbox:
            env_file = sandbox.env_file(work / "client.env")
            for _ in range(rounds):
                if not latency:
                    out = run([bench, "get", str(env_file), "9", "300"], env=clean_env())
                    gets.append({k: int(v) for k, v in (kv.split("=", 1) for kv in out.stdout.split())})
                out = run([bench, "crowd", str(env_file), "100"], env=clean_env())
                crowds[latency].append({k: int(v) for k, v in (kv.split("=", 1) for kv in out.stdout.split())})
    m = {k: median([g[k] for g in gets]) for k in gets[0]}
    r = f"{rounds}x9x300"
    res.ratio("client", "GoTo::get, cached token (release)", "reqwest blocking GET + JSON by hand",
              m["blocking_ns"], m["bare_blocking_ns"], unit="ns", goal=args.goal_client, runs=r)
    res.ratio("client", "AsyncGoTo::get, cached token (release)", "reqwest async GET + JSON by hand",
              m["async_ns"], m["bare_async_ns"], unit="ns", goal=args.goal_client, runs=r)
    for latency, samples in crowds.items():
        c = {k: median([g[k] for g in samples]) for k in samples[0]}
        at = f", sandbox latency {latency} ms"
        res.ratio("client", f"100 first callers at once: access_token(){at}", "1 first caller: access_token()",
                  c["token_100_ns"], c["token_1_ns"], unit="ns", goal=args.goal_crowd if latency else None,
                  runs=str(rounds))
        res.ratio("client", f"100 first callers at once: exchange + 100 GETs{at}", "1 first caller: exchange + 1 GET",
                  c["callers_100_ns"], c["callers_1_ns"], unit="ns", runs=str(rounds))
        made = sorted({g[k] for g in samples for k in g if k.endswith("_exchanges")})
        res.note(f"client: exchanges made per crowd at {latency} ms (1 caller and 100 callers, every round): {made}")
    res.raw["client"] = {"get": gets, "crowd": {str(k): v for k, v in crowds.items()}}


# ----------------------------------------------------------------------------------------------
# 1. cold builds


def workspace_copy(dest: Path) -> Path:
    ignore = shutil.ignore_patterns("target", ".git", "results", "*.snap.new", ".env")
    shutil.copytree(ROOT, dest, ignore=ignore, symlinks=True)
    return dest


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(value)


def toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def tree_packages(cwd: Path, package: str | None, offline: bool) -> set[str]:
    cmd = ["cargo", "tree", "-e", "normal,build", "--prefix", "none"] + (["--offline"] if offline else [])
    if package:
        cmd += ["-p", package]
    out = run(cmd, cwd=cwd, env=clean_env())
    packages = set()
    for line in out.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            packages.add(f"{parts[0]} {parts[1]}" + (" (path)" if "(/" in line else ""))
    return packages


def bench_cold(args, work: Path, bins: dict, res: Results) -> None:
    runs = args.cold_runs
    offline = ["--offline"] if args.offline else []
    cold = work / "cold"
    cold.mkdir()
    log("cold: snapshot copies of the workspace and of the floor crate (benches/floor)")
    asis = workspace_copy(cold / "ws-asis")
    floor = cold / "floor"
    shutil.copytree(FLOOR, floor, ignore=shutil.ignore_patterns("target"))
    floor_deps = tomllib.loads((floor / "Cargo.toml").read_text())["dependencies"]
    res.note("floor crate (benches/floor/Cargo.toml) dependencies: "
             + "; ".join(f"{name} {toml_value(spec)}" for name, spec in floor_deps.items()))

    subjects = {
        "floor": (floor, ["cargo", "build", *offline], "floor"),
        "asis": (asis, ["cargo", "build", *offline, "-p", "xtask"], "xtask"),
    }
    if args.cold_against:
        # The same build of another commit, from `git archive`: what a change cost the cold build
        # (the sandbox joining the xtask's build, for one), side by side with the floor.
        rev_dir = cold / "ws-rev"
        rev_dir.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", args.cold_against],
                                 capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(rev_dir)], input=archive.stdout, check=True)
        subjects["rev"] = (rev_dir, ["cargo", "build", *offline, "-p", "xtask"], "xtask")

    trees = {}
    for name, (cwd, _, root) in subjects.items():
        packages = tree_packages(cwd, None if name == "floor" else "xtask", args.offline)
        trees[name] = {p for p in packages if not p.startswith(root + " ")}
    external = {k: {p for p in v if not p.endswith("(path)")} for k, v in trees.items()}
    only_ws = external["asis"] - external["floor"]
    only_floor = external["floor"] - external["asis"]
    note = (f"crates in `cargo tree -e normal,build` (root excluded): floor {len(trees['floor'])}, "
            f"xtask {len(trees['asis'])} ({len(trees['asis']) - len(external['asis'])} workspace crates); "
            f"external crates only xtask has: {sorted(only_ws) or 'none'}; only the floor has: "
            f"{sorted(only_floor) or 'none'}")
    if "rev" in trees:
        note += (f"; external crates only {args.cold_against} has: {sorted(external['rev'] - external['asis']) or 'none'}"
                 f", only this tree has: {sorted(external['asis'] - external['rev']) or 'none'}")
    res.note(note)
    res.raw["cold_trees"] = {k: sorted(v) for k, v in trees.items()}

    times: dict[str, list[float]] = {k: [] for k in subjects}
    cpu: dict[str, list[float]] = {k: [] for k in subjects}
    units: dict[str, int] = {}
    timings = RESULTS_DIR / "cold-timings"
    log(f"cold: {len(subjects)} builds x {runs} runs, interleaved, each into a fresh CARGO_TARGET_DIR "
        "with the same registry cache (about a minute each)")
    for round_ in range(runs):
        last = round_ == runs - 1
        for name in rotate(list(subjects), round_):
            cwd, cmd, _ = subjects[name]
            if args.timings and last:
                cmd = [*cmd, "--timings"]
            target = Path(tempfile.mkdtemp(prefix=f"target-{name}-", dir=cold))
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            out = run(cmd, cwd=cwd, env=clean_env(CARGO_TARGET_DIR=str(target)))
            elapsed = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            times[name].append(elapsed)
            # CPU time of cargo and every rustc it waited for: far less sensitive than wall time
            # to whatever else the shared machine runs at the same moment.
            cpu[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            units[name] = len(re.findall(r"^\s*Compiling ", out.stderr, re.M))
            if args.timings and last:
                timings.mkdir(parents=True, exist_ok=True)
                shutil.copy2(target / "cargo-timings" / "cargo-timing.html", timings / f"{name}.html")
            shutil.rmtree(target, ignore_errors=True)
            log(f"cold: {name} {elapsed:.1f} s wall, {cpu[name][-1]:.1f} s CPU, load "
                f"{open('/proc/loadavg').read().split()[0]} (round {round_ + 1}/{runs})")
    if args.timings:
        res.note(f"cargo --timings reports of the last round: {timings.relative_to(ROOT)}/{{{','.join(subjects)}}}.html")
    m = {k: median(v) for k, v in times.items()}
    c = {k: median(v) for k, v in cpu.items()}
    r = str(runs)
    floor_label = f"floor crate, benches/floor ({units['floor']} crates compiled)"
    res.ratio("cold", f"cargo build -p xtask, wall ({units['asis']} crates compiled)", floor_label + ", wall",
              m["asis"], m["floor"], unit="s", goal=args.goal_cold, runs=r,
              spread=(min(times["asis"]), max(times["asis"])))
    res.ratio("cold", "cargo build -p xtask, CPU time (user+sys)", "floor crate, CPU time", c["asis"], c["floor"],
              unit="s", goal=args.goal_cold, runs=r, spread=(min(cpu["asis"]), max(cpu["asis"])))
    if "rev" in m:
        res.ratio("cold", f"cargo build -p xtask as is ({units['asis']} crates compiled), wall",
                  f"the same at {args.cold_against} ({units['rev']} crates compiled), wall", m["asis"], m["rev"],
                  unit="s", runs=r)
        res.ratio("cold", "cargo build -p xtask as is, CPU time", f"the same at {args.cold_against}, CPU time",
                  c["asis"], c["rev"], unit="s", runs=r)
        res.ratio("cold", f"cargo build -p xtask at {args.cold_against}, wall", floor_label + ", wall",
                  m["rev"], m["floor"], unit="s", runs=r)
    res.note("cold wall / CPU times (s), in run order per subject: "
             + "; ".join(f"{k} {', '.join(f'{w:.1f}/{u:.1f}' for w, u in zip(times[k], cpu[k]))}" for k in times))
    res.raw["cold"] = {"wall": times, "cpu": cpu}


# ----------------------------------------------------------------------------------------------
# 6. and 7. a newcomer's first `cargo test --workspace` and first `cargo xtask demo` (issue #21)


def cold_run(cmd: list[str], cwd: Path, target: Path, offline: bool) -> tuple[float, float, int, str]:
    """One command into an empty CARGO_TARGET_DIR: wall time, CPU time of cargo and everything it
    ran (rustc, the test binaries, the xtask), exit code, and what failed (the names of failed
    tests and the end of stderr)."""
    env = clean_env(CARGO_TARGET_DIR=str(target))
    if offline:
        env["CARGO_NET_OFFLINE"] = "true"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    failed = re.findall(r"^test (\S+) \.\.\. FAILED$", result.stdout, re.M)
    tail = (f"failed tests: {', '.join(failed)}; " if failed else "") + result.stderr[-1500:]
    return elapsed, cpu, result.returncode, tail


def seed_interop(target: Path) -> bool:
    """Copies the pinned dotenv readers the interop tests install on first use (python-dotenv with
    pip, node's dotenv with npm) from the workspace's own target directory into a fresh one, so
    the measured run reaches no package registry. A real fresh clone downloads them once (a few
    seconds with a fast network); the notes say whether they were seeded."""
    source = cargo_target_dir() / "tmp" / "interop"
    readers = [d for d in source.glob("*dotenv-*") if d.is_dir()] if source.is_dir() else []
    for reader in readers:
        shutil.copytree(reader, target / "tmp" / "interop" / reader.name, symlinks=True)
    return bool(readers)


def bench_newcomer(args, work: Path, res: Results, kinds: list[str]) -> None:
    """`cargo test --workspace` and `cargo xtask demo` on a fresh copy of the workspace (no
    target directory), each against a cold build of the floor crate in the same round, rounds
    interleaved with the order rotated. Wall time is the goal (what a newcomer waits); CPU time
    is reported for reference."""
    runs = args.cold_runs
    base = work / "newcomer"
    base.mkdir()
    floor_src = base / "floor-src"
    shutil.copytree(FLOOR, floor_src, ignore=shutil.ignore_patterns("target"))
    commands = {
        "floor": ["cargo", "build"],
        # --no-fail-fast: a failing test binary must not cut the run (and its time) short.
        "tests": ["cargo", "test", "--workspace", "--no-fail-fast"],
        "demo": ["cargo", "xtask", "demo"],
    }
    subjects = ["floor", *kinds]
    times: dict[str, list[float]] = {k: [] for k in subjects}
    cpu: dict[str, list[float]] = {k: [] for k in subjects}
    seeded = None
    log(f"newcomer: {' '.join(subjects)} x {runs} rounds, each from a fresh copy into an empty target directory")
    for round_ in range(runs):
        for name in rotate(subjects, round_):
            run_dir = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=base))
            cwd = run_dir / "src"
            if name == "floor":
                shutil.copytree(floor_src, cwd)
            else:
                workspace_copy(cwd)
            target = run_dir / "target"
            target.mkdir()
            if name == "tests":
                seeded = seed_interop(target)
            elapsed, used, code, tail = cold_run(commands[name], cwd, target, args.offline)
            if code != 0:
                res.note(f"{name} round {round_ + 1} exited {code} (its time is kept): {tail}")
            times[name].append(elapsed)
            cpu[name].append(used)
            shutil.rmtree(run_dir, ignore_errors=True)
            log(f"newcomer: {name} {elapsed:.1f} s wall, {used:.1f} s CPU, load "
                f"{open('/proc/loadavg').read().split()[0]} (round {round_ + 1}/{runs})")
    m = {k: median(v) for k, v in times.items()}
    c = {k: median(v) for k, v in cpu.items()}
    r = str(runs)
    floor_label = "cold build of the floor crate (benches/floor), wall"
    if "tests" in kinds:
        res.ratio("tests", "`cargo test --workspace` on a fresh copy, wall", floor_label, m["tests"], m["floor"],
                  unit="s", goal=args.goal_tests, runs=r, spread=(min(times["tests"]), max(times["tests"])))
        res.ratio("tests", "`cargo test --workspace` on a fresh copy, CPU time", "the floor's cold build, CPU time",
                  c["tests"], c["floor"], unit="s", runs=r)
        res.note("the interop tests' pinned dotenv readers were "
                 + ("copied in from this workspace's target directory (a real fresh clone downloads them once)"
                    if seeded else "not found in this workspace's target directory, so the tests installed them"))
    if "demo" in kinds:
        res.ratio("demo", "`cargo xtask demo` on a fresh copy, wall", floor_label, m["demo"], m["floor"],
                  unit="s", goal=args.goal_demo, runs=r, spread=(min(times["demo"]), max(times["demo"])))
        res.ratio("demo", "`cargo xtask demo` on a fresh copy, CPU time", "the floor's cold build, CPU time",
                  c["demo"], c["floor"], unit="s", runs=r)
    res.note("newcomer wall / CPU times (s), in run order per subject: "
             + "; ".join(f"{k} {', '.join(f'{w:.1f}/{u:.1f}' for w, u in zip(times[k], cpu[k]))}" for k in times))
    res.raw["newcomer"] = {"wall": times, "cpu": cpu}


def bench_tests(args, work: Path, bins: dict, res: Results) -> None:
    # With `demo` selected too, both share each round's floor build.
    kinds = ["tests", "demo"] if "demo" in args.selected else ["tests"]
    bench_newcomer(args, work, res, kinds)


def bench_demo(args, work: Path, bins: dict, res: Results) -> None:
    if "tests" not in args.selected:
        bench_newcomer(args, work, res, ["demo"])


# ----------------------------------------------------------------------------------------------
# optional: prototype source changes in temp copies (reasons for a missed token goal)


def machine() -> dict:
    def first_line(cmd):
        try:
            return run(cmd, check=False).stdout.strip().splitlines()[0]
        except Exception:  # noqa: BLE001
            return "n/a"

    cpu = "n/a"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except Exception:  # noqa: BLE001
        pass
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(), "cpu": cpu, "kernel": platform.release(),
        "rustc": first_line(["rustc", "-V"]), "cargo": first_line(["cargo", "-V"]),
        "curl": first_line(["curl", "--version"]), "python": platform.python_version(),
        "loadavg": " ".join(open("/proc/loadavg").read().split()[:3]) if Path("/proc/loadavg").exists() else "n/a",
    }


def markdown(res: Results, info: dict, command: str, elapsed: float) -> str:
    lines = [
        f"Command: `{command}` ({elapsed / 60:.1f} min). Machine: {info['nproc']} cores ({info['cpu']}), "
        f"Linux {info['kernel']}, {info['rustc']}, {info['cargo']}, {info['curl'].split(' (')[0]}; "
        f"load average at start {info['loadavg']}; {info['date']}.",
        "",
        "| bench | subject | baseline | subject | baseline | ratio | goal | verdict | runs |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for row in res.rows:
        goal = f"≤ {row['goal']:g}" if row["goal"] is not None else ""
        lines.append(
            f"| {row['bench']} | {row['subject']} | {row['baseline']} | {fmt_value(row['subject_median'], row['unit'])} "
            f"| {fmt_value(row['baseline_median'], row['unit'])} | **{row['ratio']:.2f}** | {goal} | {row['verdict']} "
            f"| {row['runs']} |"
        )
    if res.notes:
        lines += ["", "Measured along the way:", ""] + [f"- {note}" for note in res.notes]
    return "\n".join(lines) + "\n"


def text_table(res: Results) -> str:
    out = []
    for row in res.rows:
        goal = f"<= {row['goal']:g}" if row["goal"] is not None else ""
        out.append(
            f"{row['bench']:8} {row['ratio']:7.2f}  {goal:9} {row['verdict']:6}  {row['subject']}  vs  {row['baseline']}"
            f"  ({fmt_value(row['subject_median'], row['unit'])} / {fmt_value(row['baseline_median'], row['unit'])},"
            f" runs {row['runs']})"
        )
    return "\n".join(out)


def write_benchmarks_md(block: str) -> None:
    text = BENCHMARKS_MD.read_text() if BENCHMARKS_MD.exists() else f"# Benchmarks\n\n{MARK_BEGIN}\n{MARK_END}\n"
    if MARK_BEGIN not in text or MARK_END not in text:
        raise RuntimeError(f"{BENCHMARKS_MD} has no results markers")
    head, rest = text.split(MARK_BEGIN, 1)
    _, tail = rest.split(MARK_END, 1)
    BENCHMARKS_MD.write_text(f"{head}{MARK_BEGIN}\n{block}{MARK_END}{tail}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help=f"comma-separated subset of {','.join(DEFAULT_ORDER)}")
    parser.add_argument("--skip-cold", action="store_true",
                        help="leave out the cold builds (the slow part): cold, tests and demo")
    parser.add_argument("--quick", action="store_true", help="fewer runs everywhere (a smoke test of the benchmark)")
    parser.add_argument("--runs", type=int, help="runs per subject for token (x1.5 for cached); default 20, quick 8")
    parser.add_argument("--rounds", type=int, help="rounds for smoke and dotenv; default 5, quick 3")
    parser.add_argument("--cold-runs", type=int,
                        help="cold builds per subject, also rounds of tests and demo; default 5, quick 1")
    parser.add_argument("--cold-against", metavar="REV",
                        help="also build the xtask cold as of git commit REV (a third subject), e.g. to see "
                             "what a change cost")
    parser.add_argument("--timings", action="store_true",
                        help="pass --timings to the last round of cold builds; reports in benches/results/cold-timings")
    parser.add_argument("--latency", type=int, default=200, help="sandbox latency for smoke, ms (default 200)")
    parser.add_argument("--no-release", dest="release", action="store_false",
                        help="skip the release build used for reference rows")
    parser.add_argument("--cargo-run", action="store_true",
                        help="also time `cargo run -p xtask -- token --force` (what `cargo xtask` costs)")
    parser.add_argument("--online", dest="offline", action="store_false", help="let cargo use the network")
    parser.add_argument("--write", action="store_true", help="replace the results block of BENCHMARKS.md")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--goal-cold", type=float, default=1.10)
    parser.add_argument("--goal-token", type=float, default=1.3)
    parser.add_argument("--goal-cached", type=float, default=1.5)
    parser.add_argument("--goal-smoke", type=float, default=1.05)
    parser.add_argument("--goal-client", type=float, default=1.1)
    parser.add_argument("--goal-crowd", type=float, default=1.5)
    parser.add_argument("--goal-tests", type=float, default=3.0)
    parser.add_argument("--goal-demo", type=float, default=1.25)
    args = parser.parse_args()
    args.runs = args.runs or (8 if args.quick else 20)
    args.rounds = args.rounds or (3 if args.quick else 5)
    args.cold_runs = args.cold_runs or (1 if args.quick else 5)

    benches = [b.strip() for b in args.only.split(",")] if args.only else list(DEFAULT_ORDER)
    unknown = [b for b in benches if b not in DEFAULT_ORDER]
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; choose from {DEFAULT_ORDER}")
    if args.skip_cold:
        benches = [b for b in benches if b not in ("cold", "tests", "demo")]
    args.selected = set(benches)
    # Cold builds last: they are the slow part, and everything else is done if they are cut short.
    benches.sort(key=lambda b: (DEFAULT_ORDER).index(b))
    if not shutil.which("curl") and set(benches) & {"token", "smoke"}:
        parser.error("curl is needed for the token and smoke baselines")

    started = time.perf_counter()
    info = machine()
    work = Path(tempfile.mkdtemp(prefix="goto-bench-"))
    res = Results()
    log(f"benchmarks {benches} in {work}")
    try:
        needs = set(benches)
        bins = build_binaries(args, work, needs) if needs - {"cold", "tests", "demo"} else {}
        for bench in benches:
            globals()[f"bench_{bench}"](args, work, bins, res)
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    elapsed = time.perf_counter() - started

    command = "python3 benches/run.py " + " ".join(sys.argv[1:])
    block = markdown(res, info, command.strip(), elapsed)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "latest.md").write_text(block)
    (RESULTS_DIR / "latest.json").write_text(json.dumps(
        {"command": command, "machine": info, "elapsed_s": elapsed, "rows": res.rows, "notes": res.notes,
         "raw": res.raw}, indent=1, default=str))
    if args.write:
        write_benchmarks_md(block)
        log(f"wrote the results block of {BENCHMARKS_MD.relative_to(ROOT)}")
    print(text_table(res))
    print()
    print("\n".join(f"- {note}" for note in res.notes))
    print(f"\n({elapsed / 60:.1f} min; markdown in {(RESULTS_DIR / 'latest.md').relative_to(ROOT)})")
    missed = [row for row in res.rows if row["verdict"] == "MISSED"]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
