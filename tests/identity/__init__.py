"""Tests of eventops.identity."""
