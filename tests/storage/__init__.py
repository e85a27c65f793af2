"""Tests of eventops.storage."""
