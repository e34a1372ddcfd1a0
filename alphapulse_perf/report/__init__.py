"""Decisions to text: check, confirm, trend and snapshot reports (text, Markdown, JSON), trend plots
(SVG), with one table writer (`tables`) and one unit formatter (`units`).
"""
