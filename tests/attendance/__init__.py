"""Tests of eventops.attendance."""
