"""Running the product: settings read from the environment (``config``), the data
service every request shares (``service``), health checks (``health``) and the command
line (``cli``).

May import: every other core package. Never Dash or Flask.
"""
