"""Script headings stay with their paragraph; several top-level headings are scene headings, not a title."""

from __future__ import annotations

from reelforge.tools.ingest.script import parse_script


def test_each_heading_names_the_paragraph_after_its_blank_line():
    title, sections = parse_script("# Distance\n\nTerns fly far.\n\n# Speed\n\nFalcons dive fast.\n")
    assert title == ""
    assert [(s.heading, s.narration) for s in sections] == [("Distance", "Terns fly far."),
                                                            ("Speed", "Falcons dive fast.")]


def test_a_single_top_heading_is_the_title():
    title, sections = parse_script("# My film\n\n## Intro\n\nHello there.\n\n## End\n\nBye now.\n")
    assert title == "My film"
    assert [s.heading for s in sections] == ["Intro", "End"]
