#!/usr/bin/env python3
"""Coverage-guided fuzzing of evidencebib's readers with atheris (libFuzzer for Python).

    .venv/bin/pip install atheris                       # the `fuzz` extra
    .venv/bin/python fuzz/run.py --list                 # the targets
    .venv/bin/python fuzz/run.py ris --seconds 600      # fuzz one target for 10 minutes
    .venv/bin/python fuzz/run.py all --seconds 120      # every target in turn
    .venv/bin/python fuzz/run.py ris --replay FILE...   # re-run saved inputs (no atheris needed)

Each input runs under the target's time limit (a hang is a failure, like an exception that is
not an EvidenceError). A failing input is saved under the work folder's `failures/` (one file per
distinct failure, named by its signature) and fuzzing goes on; at the end the runner prints
`TARGET: N inputs, F failures (D distinct)` and writes `summary.json`. Exit status 1 when any
input failed. The working corpus starts from fuzz/seeds/TARGET, our test fixtures and the shared
corpus (`../shared/corpus`, or $EVIDENCEBIB_CORPUS), and grows in
`$EVIDENCEBIB_FUZZ_WORK/TARGET` (default: a folder under the system's temporary directory).
Arguments after `--` go to libFuzzer (e.g. `-- -jobs=2 -dict=fuzz/dicts/bibtex.dict`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import sys
import tempfile
import threading
import time
import traceback
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

DICTS = HERE / "dicts"
DICT_FOR = {"bibtex": "bibtex", "bibfile": "bibtex", "ris": "ris", "csl_json": "json",
            "csl_json_struct": "json", "crossref": "json", "endnote_xml": "xml", "style": "csl",
            "ig_page": "page", "doi": "doi"}


class Runner:
    """Counts inputs, records distinct failures, stops cleanly at the deadline."""

    def __init__(self, name: str, work: Path, seconds: float, stop_on_failure: bool) -> None:
        import targets

        self.targets = targets
        self.name = name
        self.target = targets.TARGETS[name]
        self.work = work
        self.failures_dir = work / "failures"
        self.failures_dir.mkdir(parents=True, exist_ok=True)
        self.deadline = time.monotonic() + seconds if seconds else None
        self.seconds = seconds
        self.started = time.monotonic()
        self.stop_on_failure = stop_on_failure
        self.inputs = 0
        self.failures = 0
        self.distinct: dict[str, dict] = {}
        self.current: bytes | None = None
        self.current_started = 0.0
        self.last_report = time.monotonic()
        # A watchdog for hangs inside C code, which SIGALRM cannot interrupt.
        self.hard_limit = self.target.time_limit * 3
        threading.Thread(target=self._watchdog, daemon=True).start()

    def one(self, data: bytes) -> None:
        now = time.monotonic()
        if self.deadline is not None and now >= self.deadline:
            self.finish()
        self.inputs += 1
        self.current, self.current_started = data, now
        try:
            self.targets.run_input(self.name, data)
        except (self.targets.Bug, self.targets.Hang) as failure:
            self.record(data, failure)
            if self.stop_on_failure:
                self.finish()
        finally:
            self.current = None
        if now - self.last_report > 30:
            self.last_report = now
            self.report(final=False)

    def signature(self, failure: BaseException) -> str:
        cause = failure.__cause__ or failure
        frames = traceback.extract_tb(cause.__traceback__)
        ours = [f for f in frames if "site-packages" not in f.filename or "evidencebib" in f.filename]
        where = ours[-1] if ours else (frames[-1] if frames else None)
        place = f"{Path(where.filename).name}:{where.lineno}" if where else "?"
        kind = type(failure).__name__ if isinstance(failure, self.targets.Hang) else \
            type(cause).__name__
        return f"{kind}@{place}"

    def record(self, data: bytes, failure: BaseException) -> None:
        self.failures += 1
        signature = self.signature(failure)
        entry = self.distinct.setdefault(signature, {"count": 0})
        entry["count"] += 1
        if entry["count"] == 1:
            digest = hashlib.sha1(data).hexdigest()[:12]
            path = self.failures_dir / f"{signature.replace(':', '-').replace('@', '-')}-{digest}"
            path.write_bytes(data)
            cause = failure.__cause__ or failure
            entry.update(input=str(path), message=str(failure)[:500],
                         traceback="".join(traceback.format_exception(cause))[-3000:])
            print(f"\n[{self.name}] FAILURE {signature}: {str(failure)[:200]}\n  input saved: {path}",
                  file=sys.stderr, flush=True)

    def _watchdog(self) -> None:
        while True:
            time.sleep(1)
            data, started = self.current, self.current_started
            if data is not None and time.monotonic() - started > self.hard_limit:
                path = self.failures_dir / f"HardHang-{hashlib.sha1(data).hexdigest()[:12]}"
                path.write_bytes(data)
                self.failures += 1
                self.distinct["HardHang"] = {"count": 1, "input": str(path),
                                             "message": f"no return after {self.hard_limit:g} s"}
                print(f"\n[{self.name}] HANG (not interruptible) input saved: {path}",
                      file=sys.stderr, flush=True)
                self.finish(code=3)

    def report(self, final: bool) -> None:
        elapsed = time.monotonic() - self.started
        line = (f"{self.name}: {self.inputs} inputs in {elapsed:.0f} s, {self.failures} failures "
                f"({len(self.distinct)} distinct)")
        print(("RESULT " if final else "progress ") + line, file=sys.stderr, flush=True)
        summary = {"target": self.name, "inputs": self.inputs, "seconds": round(elapsed, 1),
                   "failures": self.failures,
                   "distinct": {k: {kk: vv for kk, vv in v.items() if kk != "traceback"}
                                for k, v in self.distinct.items()}}
        (self.work / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        if final:
            for signature, entry in self.distinct.items():
                print(f"  {signature} x{entry['count']}: {entry.get('message', '')[:200]}\n"
                      f"    {entry.get('input')}", file=sys.stderr, flush=True)

    def finish(self, code: int | None = None) -> None:
        self.report(final=True)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code if code is not None else (1 if self.failures else 0))


def prepare_corpus(name: str, work: Path) -> Path:
    import targets

    corpus = work / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for data in targets.seed_bytes(name):
        (corpus / ("seed-" + hashlib.sha1(data).hexdigest()[:16])).write_bytes(data)
    return corpus


def fuzz(name: str, seconds: float, work: Path, stop: bool, extra: list[str]) -> None:
    import atheris

    with atheris.instrument_imports(include=["evidencebib", "bibtexparser", "citeproc"]):
        import evidencebib.api  # noqa: F401
        import evidencebib.doi  # noqa: F401
        import evidencebib.formats.bibtex  # noqa: F401
        import evidencebib.formats.crossref  # noqa: F401
        import evidencebib.formats.csl_json  # noqa: F401
        import evidencebib.formats.detect  # noqa: F401
        import evidencebib.formats.endnote_xml  # noqa: F401
        import evidencebib.formats.ig_page  # noqa: F401
        import evidencebib.formats.latex  # noqa: F401
        import evidencebib.formats.ris  # noqa: F401
        import evidencebib.render.engine  # noqa: F401
        import evidencebib.render.formats  # noqa: F401
        import evidencebib.render.styles  # noqa: F401
        import evidencebib.store  # noqa: F401
        import evidencebib.verify  # noqa: F401
        import bibtexparser  # noqa: F401
        import citeproc  # noqa: F401

    runner = Runner(name, work, seconds, stop)
    corpus = prepare_corpus(name, work)
    args = [sys.argv[0], str(corpus), "-timeout=0", "-max_len=65536", "-rss_limit_mb=4096",
            f"-artifact_prefix={work}/"]
    dictionary = DICTS / f"{DICT_FOR.get(name, name)}.dict"
    if dictionary.is_file() and not any(a.startswith("-dict=") for a in extra):
        args.append(f"-dict={dictionary}")
    args.extend(extra)
    print(f"fuzzing {name} for {seconds:g} s; corpus {corpus}; failures in {work}/failures",
          file=sys.stderr, flush=True)
    atheris.Setup(args, runner.one)
    atheris.Fuzz()
    runner.finish()                    # reached with -runs=N


def replay(name: str, files: list[str]) -> int:
    import targets

    bad = 0
    for file in files:
        data = Path(file).read_bytes()
        try:
            targets.run_input(name, data)
            print(f"ok      {file}")
        except (targets.Bug, targets.Hang) as failure:
            bad += 1
            print(f"FAILURE {file}: {failure}")
            traceback.print_exception(failure.__cause__ or failure)
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", nargs="?", help="a target name, or 'all'")
    parser.add_argument("--seconds", type=float, default=600, help="time per target (default 600)")
    parser.add_argument("--work", help="work folder (default $EVIDENCEBIB_FUZZ_WORK or a temp dir)")
    parser.add_argument("--stop-on-failure", action="store_true")
    parser.add_argument("--list", action="store_true", help="list the targets")
    parser.add_argument("--replay", nargs="+", metavar="FILE", help="run saved inputs")
    options = parser.parse_args(argv)
    import targets

    if options.list or not options.target:
        for name, target in targets.TARGETS.items():
            print(f"{name:16} {len(targets.seed_files(name))} seed files, "
                  f"{target.time_limit:g} s per input - {(target.function.__doc__ or '').strip().splitlines()[0] if target.function.__doc__ else ''}")
        return 0
    logging.disable(logging.CRITICAL)            # readers log recoveries: noise here
    warnings.simplefilter("ignore")
    if options.replay:
        return replay(options.target, options.replay)
    base = Path(options.work or os.environ.get("EVIDENCEBIB_FUZZ_WORK") or
                Path(tempfile.gettempdir()) / "evidencebib-fuzz")
    names = list(targets.TARGETS) if options.target == "all" else [options.target]
    for name in names:
        if name not in targets.TARGETS:
            parser.error(f"unknown target {name!r} (see --list)")
    if len(names) == 1:
        fuzz(names[0], options.seconds, base / names[0], options.stop_on_failure, extra)
        return 0  # not reached
    # one process per target (atheris.Fuzz never returns)
    import subprocess

    status = 0
    for name in names:
        command = [sys.executable, __file__, name, "--seconds", str(options.seconds),
                   "--work", str(base)] + (["--stop-on-failure"] if options.stop_on_failure else [])
        if extra:
            command += ["--"] + extra
        status |= subprocess.call(command)
    return status


if __name__ == "__main__":
    sys.exit(main())
