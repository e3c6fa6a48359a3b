#!/usr/bin/env python3
"""Checks that scripts/test's TSan stage runs every test that starts threads.

scripts/test builds tsan_unit_tests and tsan_http_tests from the files listed in
tests/CMakeLists.txt and runs their "[race],[concurrency]" tests. A test that starts threads
(std::thread, std::async, std::jthread in its body) but lacks both tags, or whose file is not in
the TSan program, would never run under TSan; this fails with the test's name instead.

An HTTP test whose threads only drive a separate workos-mock process (no in-process TestServer
in its body) is exempt: TSan in the test program cannot see that server's threads, and the
sanitizer's slowdown would only break its stall bounds.

  tests/tsan_selection.py SOURCE_DIR
"""
import pathlib
import re
import sys

TAGS = ("[race]", "[concurrency]")
THREADS = re.compile(r"std::(thread|jthread|async)\b")
CASE = re.compile(r"^TEST_CASE(?:_METHOD)?\s*\(", re.M)


def test_cases(text):
    """(name, header, body) of every TEST_CASE in a file."""
    starts = [m.start() for m in CASE.finditer(text)] + [len(text)]
    for begin, end in zip(starts, starts[1:]):
        chunk = text[begin:end]
        brace = chunk.find("{")
        header, body = chunk[:brace], chunk[brace:]
        name = re.search(r'"((?:[^"\\]|\\.)*)"', header)
        yield (name.group(1) if name else header.strip()), header, body


def tsan_sources(cmake, program):
    m = re.search(r"add_executable\(\s*" + program + r"\s+([^)]*)\)", cmake)
    return set(m.group(1).split()) if m else set()


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    cmake = (root / "tests" / "CMakeLists.txt").read_text()
    script = (root / "scripts" / "test").read_text()
    problems = []
    checked = 0
    for folder, program in (("unit", "tsan_unit_tests"), ("http", "tsan_http_tests")):
        listed = tsan_sources(cmake, program)
        if not listed:
            problems.append(f"tests/CMakeLists.txt: no add_executable({program} ...)")
        for path in sorted((root / "tests" / folder).glob("*.cc")):
            rel = f"{folder}/{path.name}"
            for name, header, body in test_cases(path.read_text()):
                threaded = THREADS.search(body) is not None
                if folder == "http" and "TestServer" not in body:
                    threaded = False  # drives a separate process (see the docstring)
                tagged = any(t in header for t in TAGS)
                if threaded and not tagged:
                    problems.append(f"tests/{rel}: \"{name}\" starts threads but is tagged "
                                    f"neither [race] nor [concurrency]")
                if (threaded or tagged) and rel not in listed:
                    problems.append(f"tests/{rel}: \"{name}\" needs TSan, but {rel} is not in "
                                    f"add_executable({program} ...)")
                checked += threaded or tagged
    if '"[race],[concurrency]"' not in script:
        problems.append('scripts/test: the TSan stage must run "[race],[concurrency]"')
    for p in problems:
        print("tsan_selection: " + p)
    if problems:
        return 1
    if checked == 0:
        print("tsan_selection: found no concurrency test at all (is the source dir right?)")
        return 1
    print(f"tsan_selection: {checked} concurrency tests, all tagged and built under TSan")
    return 0


if __name__ == "__main__":
    sys.exit(main())
