"""Tests of eventops.web."""
