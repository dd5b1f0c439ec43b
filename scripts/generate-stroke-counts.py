#!/usr/bin/env python3
"""Writes src/Grassroots.Core/ReferenceData/cjk-stroke-counts.csv from the Unihan database.

Rosters are ordered by surname strokes as counted in mainland China (阝 2, 辶 3, 艹 3, 黄 11 strokes). That is the
first value of Unihan's kTotalStrokes (the second, where present, is the Taiwan count). Only the Basic Multilingual
Plane is written; rarer characters fall back to the end of their roster.

Usage: scripts/generate-stroke-counts.py [Unihan_IRGSources.txt(.bz2)]
The default source is Debian's unicode-data package (apt-get install unicode-data).
"""
import bz2
import collections
import pathlib
import re
import sys

source = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/unicode/Unihan_IRGSources.txt.bz2")
target = pathlib.Path(__file__).resolve().parent.parent / "src/Grassroots.Core/ReferenceData/cjk-stroke-counts.csv"

opener = bz2.open if source.suffix == ".bz2" else open
version = "unknown"
by_count = collections.defaultdict(list)
with opener(source, "rt", encoding="utf-8") as lines:
    for line in lines:
        if m := re.match(r"# Unicode version: (\S+)", line):
            version = m.group(1)
        if line.startswith("#") or "\tkTotalStrokes\t" not in line:
            continue
        code, _, value = line.rstrip("\n").split("\t")
        cp = int(code[2:], 16)
        if cp > 0xFFFF:
            continue
        by_count[int(value.split()[0])].append(cp)

with open(target, "w", encoding="utf-8", newline="\n") as out:
    out.write(f"# Derived from the Unicode Character Database, Unihan {version} (kTotalStrokes, first value: mainland China count),\n")
    out.write("# Basic Multilingual Plane only, regrouped by stroke count. Modified from the original data file; see LICENSE-unicode.txt.\n")
    out.write("strokes,characters\n")
    for count in sorted(by_count):
        out.write(f"{count},{''.join(chr(cp) for cp in sorted(by_count[count]))}\n")
print(f"{target}: {sum(len(v) for v in by_count.values())} characters, Unihan {version}")
