"""Test utilities."""

from .wait import wait_for_condition, wait_for_condition_sync

__all__ = ["wait_for_condition", "wait_for_condition_sync"]
