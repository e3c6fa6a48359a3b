#!/usr/bin/env python3
"""Every Markdown file that a tracked file names (a comment, a doc, a script) exists in the
repository, so a reader following a reference never lands nowhere.

  tests/docs/md_refs_test.py SOURCE_DIR
"""
import os
import re
import subprocess
import sys

# Names that are not references to this repository's files, with why.
NOT_REFERENCES = {
    "environment.md": "client/golive/key_shapes_test.cc: a file name the scan must not take for an env file",
    "docs/setup.md": "client/golive/repo_check_test.cc: a file inside a throw-away test repository",
    "OUT/bench.md": "scripts/bench: the report it writes into its output folder",
    "build-bench/bench.md": "docs/performance.md: the report scripts/bench writes",
}
# Source citations (upstream repositories and web pages) are not references to our files.
SKIP_FILES = re.compile(r"(^|/)(package-lock\.json|node_modules/)|^fixtures/fuzz/|^docs/reference/")
MD = re.compile(r"[A-Za-z0-9_./-]*[A-Za-z0-9_-]+\.md\b")


def main():
    root = sys.argv[1]
    files = subprocess.check_output(["git", "-C", root, "ls-files"], text=True).split()
    names = {os.path.basename(f) for f in files}
    paths = set(files)
    missing = []
    for f in files:
        if SKIP_FILES.search(f):
            continue
        try:
            text = open(os.path.join(root, f), encoding="utf-8").read()
        except (UnicodeDecodeError, OSError):
            continue
        for m in MD.finditer(text):
            ref = m.group(0).lstrip("./")
            if ref in NOT_REFERENCES or m.group(0) in NOT_REFERENCES:
                continue
            here = os.path.normpath(os.path.join(os.path.dirname(f), m.group(0)))
            if "/" in ref and (ref in paths or here in paths):
                continue
            if "/" not in ref and os.path.basename(ref) in names:
                continue
            if "/" in ref and os.path.basename(ref) in names and not ref.startswith(("docs/", "tests/", "client/", "conformance/", "examples/", "scripts/")):
                continue  # a relative link such as ../README.md resolved by name
            missing.append(f"{f}: names {m.group(0)}, which is not in the repository")
    for line in missing:
        print(line)
    print(f"md_refs: {len(files)} files checked, {len(missing)} dangling references")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
