"""Tests of eventops.stream."""
