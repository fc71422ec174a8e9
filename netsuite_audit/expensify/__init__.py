"""Reading the Expensify side: the workspace (policy) and the reports about to be exported, from
Expensify's Integration Server. Only read jobs are ever sent (see ``jobs.py``)."""
