"""Shared helpers for the scripts and the tests: local servers, processes, browser, project files.

Nothing here runs in production; it is how this project starts its own servers on a
developer's or CI's machine, one way for everyone.
"""
