"""An example third-party aligner plugin: a spreadsheet backlog and one custom rule.

It registers, through the same entry points as aligner's built-in trackers and rules:

- the `sheet` tracker: a CSV export (one row per item) read as a backlog, with its own link
  strings (`sheet:ROW-1`) and its own ownership section (`owns.sheet: {boards: [...]}`);
- the rule `SHT101 vague-title`.
"""
