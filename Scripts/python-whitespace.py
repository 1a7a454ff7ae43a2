#!/usr/bin/env python3
"""Prints every code point for which Python's str.isspace() is true, one per line.

tailscan's 'whitespace' tokenizer is Python's str.split() with no argument, which splits on
exactly these characters. Tests/TailscanTextTests/WhitespaceTokenizerTests.swift hard-codes the
list; run this script to re-check it against the Python (and Unicode) version at hand:

    python3 Scripts/python-whitespace.py
"""
import sys
import unicodedata

for cp in range(sys.maxunicode + 1):
    ch = chr(cp)
    if ch.isspace():
        print(f"U+{cp:04X}\t{unicodedata.category(ch)}\t{unicodedata.name(ch, '<control>')}")
print(f"# Python {sys.version.split()[0]}, Unicode {unicodedata.unidata_version}", file=sys.stderr)
