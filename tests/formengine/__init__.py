"""Tests of the form engine's pure-Python core."""
