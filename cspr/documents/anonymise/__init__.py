"""Anonymisation that fails safe: find what may identify someone, have it reviewed, then save.

passages.py reads every piece of text a Word file holds (and cleans its properties and
history); rules.py and detect.py find candidates in it; review.py keeps the business unit's
decisions about them for each case.
"""
