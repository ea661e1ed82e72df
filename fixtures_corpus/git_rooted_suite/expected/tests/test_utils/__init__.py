"""Test utilities."""

from tests.test_utils.wait import wait_for_condition, wait_for_condition_sync

__all__ = ["wait_for_condition", "wait_for_condition_sync"]
