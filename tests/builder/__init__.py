"""Tests of the no-code form builder."""
