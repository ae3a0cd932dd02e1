"""Jira adapter tests, on the stateful fake Jira (tests.fakes.jira)."""
