"""Demo sign-ins, kept free of Django imports so `make run` can print them."""

DEMO_PASSWORD = "alongside-demo-2026"  # noqa: S105 (demo only; load_demo refuses in production)

# (what the account shows, username)
SIGN_INS = [
    ("Outreach worker", "worker"),
    ("Supervisor", "supervisor"),
    ("Distribution volunteer (limited access)", "volunteer"),
    ("Worker in another team", "worker-river"),
    ("Data admin", "data-admin"),
    ("System admin (Django admin at /admin/)", "admin"),
]

# Demo API tokens (demo only, like the password): (username, scope, secret). load_demo makes
# them (stored hashed, as every token is) and `make run` prints them with a call to try.
API_TOKENS = [
    ("worker", "write", "aln_demo-worker-logs-contacts-0000000000000000"),  # noqa: S105 (demo only)
    ("data-admin", "read", "aln_demo-data-admin-reads-figures-00000000000"),  # noqa: S105 (demo only)
]
