"""Accounts: users, roles, password hashing, login sessions and API tokens (`auth`).

May import: `storage` and the root's `errors`, `timeutil`.
"""
