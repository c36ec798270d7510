"""Tests of the human renderings: reports, charts and their translations."""
