#!/usr/bin/env python3
"""The s3-tests ratchet: compares junit results with the list of tests
that must pass (see run.sh, which drives it).

  ratchet.py check LIST JUNIT [RETRY_JUNIT]   listed tests that failed (in
                                             the retry too) -> exit 1
  ratchet.py retry-expr LIST JUNIT            pytest -k expression selecting
                                             the listed tests that failed
  ratchet.py update LIST MAX_SECS JUNIT...    rewrite LIST: tests that passed
                                             in every run, each under MAX_SECS
"""
import sys
import xml.etree.ElementTree as ET

RANK = {"passed": 0, "skipped": 1, "failed": 2, "error": 3}


def outcomes(path):
    """Maps "module::name" to (outcome, seconds, timed_out). A test that
    also errors in teardown appears twice in the file; the worse wins."""
    out = {}
    for tc in ET.parse(path).getroot().iter("testcase"):
        tid = tc.get("classname", "").split(".")[-1] + "::" + tc.get("name", "")
        outcome, timed_out = "passed", False
        for tag in ("error", "failure", "skipped"):
            el = tc.find(tag)
            if el is not None:
                outcome = {"failure": "failed"}.get(tag, tag)
                timed_out = "Timeout" in (el.get("message") or "")
                break
        secs = float(tc.get("time") or 0)
        prev = out.get(tid)
        if prev:
            worse = outcome if RANK[outcome] > RANK[prev[0]] else prev[0]
            out[tid] = (worse, prev[1] + secs, prev[2] or timed_out)
        else:
            out[tid] = (outcome, secs, timed_out)
    return out


def read_list(path):
    try:
        with open(path) as f:
            return [l.strip() for l in f if l.strip() and not l.startswith("#")]
    except FileNotFoundError:
        return []


def passed(res, tid):
    return res.get(tid, ("missing",))[0] == "passed"


def report_timeouts(res):
    tmo = sorted(t for t, (_, _, timed_out) in res.items() if timed_out)
    if tmo:
        print(f"ratchet: {len(tmo)} per-test timeouts: {' '.join(tmo)}")


def check(listed, junit, retry=None):
    res = outcomes(junit)
    again = outcomes(retry) if retry else {}
    report_timeouts(res)
    lost = [t for t in listed if not passed(res, t) and not passed(again, t)]
    flaky = [t for t in listed if not passed(res, t) and passed(again, t)]
    new = sorted(t for t in res if passed(res, t) and t not in set(listed))
    for t in flaky:
        print(f"ratchet: flaky (failed, then passed on retry): {t}")
    if new:
        print(f"ratchet: {len(new)} tests pass that are not on the list "
              "(test/compat/run.sh --update adds them):")
        for t in new:
            print(f"  + {t}")
    if lost:
        print(f"ratchet: FAIL: {len(lost)} listed tests no longer pass:")
        for t in lost:
            print(f"  - {t} ({res.get(t, ('missing',))[0]})")
        return 1
    print(f"ratchet: ok: all {len(listed)} listed tests pass")
    return 0


def retry_expr(listed, junit):
    res = outcomes(junit)
    names = sorted({t.split("::", 1)[1].split("[", 1)[0] for t in listed if not passed(res, t)})
    print(" or ".join(names))
    return 0


def update(path, max_secs, junits):
    runs = [outcomes(j) for j in junits]
    keep = sorted(t for t in runs[0]
                  if all(passed(r, t) and r[t][1] < max_secs for r in runs))
    old = set(read_list(path))
    slow = sorted(t for t in runs[0] if all(passed(r, t) for r in runs) and t not in keep)
    with open(path, "w") as f:
        f.write("# s3-tests (core profile) that pass with --bucket-defaults=legacy, in every one\n"
                f"# of {len(runs)} runs and each under {max_secs:g}s. Written by test/compat/run.sh --update;\n"
                "# CI fails when one of them fails. One module::test a line.\n")
        for t in keep:
            f.write(t + "\n")
    print(f"ratchet: wrote {len(keep)} tests to {path} "
          f"(+{len(set(keep) - old)} -{len(old - set(keep))} against the previous list)")
    for t in sorted(old - set(keep)):
        print(f"  - {t} (was listed)")
    for t in slow:
        print(f"  ~ {t} passed but took {max(r[t][1] for r in runs):.1f}s; left off as timeout-prone")
    return 0


def main(argv):
    if len(argv) >= 3 and argv[0] == "check":
        return check(read_list(argv[1]), argv[2], argv[3] if len(argv) > 3 else None)
    if len(argv) == 3 and argv[0] == "retry-expr":
        return retry_expr(read_list(argv[1]), argv[2])
    if len(argv) >= 4 and argv[0] == "update":
        return update(argv[1], float(argv[2]), argv[3:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
