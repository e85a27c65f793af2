"""Tests of eventops.live."""
