"""Tests of the git sync against real repositories in temporary folders."""
