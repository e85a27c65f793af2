"""Tests of eventops.door."""
