"""Disk to records: asv's stored results read strictly (`records`), the strict JSON reader under it
(`asv_json`), git revisions (`git`), and fresh batches measured into a folder of their own
(`batch`). Nothing here decides anything or writes asv's files.
"""
