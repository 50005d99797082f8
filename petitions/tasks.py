from petitions.recall_tasks import recall_deadlines_task, recall_retention_task  # noqa: E402,F401
