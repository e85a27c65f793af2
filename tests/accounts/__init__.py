"""Tests of eventops.accounts."""
