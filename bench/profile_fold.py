"""Folded stacks (inferno-collapse-perf) on stdin, shortened on stdout: generic arguments
cut from every frame (`Foo<Bar<Baz>>::poll` -> `Foo::poll`), then identical stacks summed.
Used by bench/profile.sh."""

import collections
import re
import sys

GENERIC = re.compile(r"<[^<>]*>")


def short(frame: str) -> str:
    previous = None
    while previous != frame:
        previous, frame = frame, GENERIC.sub("", frame)
    return frame.replace(";", ",")


def main() -> None:
    stacks: collections.Counter = collections.Counter()
    for line in sys.stdin:
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not stack or not count.isdigit():
            continue
        stacks[";".join(short(f) for f in stack.split(";"))] += int(count)
    for stack, count in stacks.items():
        print(f"{stack} {count}")


if __name__ == "__main__":
    main()
