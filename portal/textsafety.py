"""Titles and names are shown in lists, emails and exports beside other text: a right-to-left
override (U+202E) or another bidirectional control in them can reverse what follows on screen
("fdp.exe" shown as "exe.pdf", a name that reads as another). Such controls are stripped from titles
and names when they are saved (models' save()). Test: tests/security/test_findings_low.py."""

import re

# ALM, LRM, RLM, LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def strip_bidi(value):
    return BIDI_CONTROLS.sub("", value) if isinstance(value, str) else value


def strip_bidi_fields(instance, *names: str) -> None:
    for name in names:
        setattr(instance, name, strip_bidi(getattr(instance, name)))
