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
