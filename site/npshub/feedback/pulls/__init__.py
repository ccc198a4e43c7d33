"""Scheduled pulls: sources whose responses NPS Hub fetches itself (a JSON feed, a CSV/XLSX file at
a URL, a SQL query on an external PostgreSQL), every run through the one ingestion service.

- ``readers``: what each kind of pull reads, as (position, item, error) triples, and the cursor.
- ``runner``: one run of one pull under a lock, recorded as a PullRun; back-off and alerts.
- ``alerts``: CX admins hear of a pull that keeps failing (e-mail and Teams).
Configuration and run records: ``npshub.feedback.models.pulls``; Celery: ``npshub.feedback.tasks``.
"""
