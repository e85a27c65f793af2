"""Tests of eventops.catalog."""
