"""Tests of eventops.zoom."""
