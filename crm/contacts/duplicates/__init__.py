"""Duplicates and merge: the review queue, the merge screen, their API and the likely-duplicate warning panel.

The writes live in crm.contacts.services.duplicates / .merge; matching in crm.contacts.matching.
"""
