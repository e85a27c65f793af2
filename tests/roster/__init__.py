"""Tests of eventops.roster."""
