"""The role-based leadership dashboard (`lpss serve`): FastAPI pages and JSON API over the published marts."""
