"""The conventions of docs/architecture.md ("One convention each"), checked on the code itself:
forms live in forms modules, and view decorators come in one order."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
APPS = [
    "accounts",
    "audit",
    "clients",
    "core",
    "dashboards",
    "encounters",
    "exports",
    "goals",
    "health",
    "outcomes",
    "privacy",
]

# Outermost first: the HTTP method, the access rule, (exports' keep_choices, which must see a
# POST before it is sent to confirm who they are), recent_auth_required, then anything else.
METHOD = {"require_http_methods"}
ACCESS = {
    "public",
    "signed_in",
    "signing_in",
    "team_member",
    "supervisor",
    "data_admin",
    "any_role",
    "team_catalogue_keeper",
}
RANK = {**dict.fromkeys(METHOD, 0), **dict.fromkeys(ACCESS, 1), "keep_choices": 2, "recent_auth_required": 3}
# The sign-in steps keep login_not_required and their CSRF and cache decorators outermost
# (the method is checked after CSRF there, as Django's own LoginView does).
SIGN_IN_STEPS = {"sign_in", "sign_in_code", "sign_in_set_up"}


def view_modules() -> list[Path]:
    found = []
    for app in APPS:
        found += [ROOT / app / "views.py"] if (ROOT / app / "views.py").exists() else []
        found += sorted((ROOT / app / "views").glob("*.py"))
    return found


def decorated_views(module: Path) -> list[tuple[str, list[str]]]:
    views = []
    for node in ast.parse(module.read_text()).body:
        if isinstance(node, ast.FunctionDef) and node.decorator_list:
            names = [ast.unparse(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list]
            if set(names) & (METHOD | ACCESS | {"login_not_required"}):
                views.append((node.name, names))
    return views


def out_of_order(names: list[str]) -> bool:
    ranks = [RANK.get(name, 4) for name in names]
    return ranks != sorted(ranks) or ranks[:2] != [0, 1]


def test_no_view_module_defines_a_form() -> None:
    forms_in_views = []
    for module in view_modules():
        for node in ast.parse(module.read_text()).body:
            bases = [ast.unparse(base) for base in node.bases] if isinstance(node, ast.ClassDef) else []
            if any(base.endswith(("Form", "FormSet")) for base in bases):
                forms_in_views.append(f"{module.relative_to(ROOT)}:{node.name}")  # type: ignore[attr-defined]
    assert forms_in_views == []


def test_every_view_has_its_method_then_its_access_rule_then_the_rest() -> None:
    views = [(module, name, names) for module in view_modules() for name, names in decorated_views(module)]
    assert len(views) > 60  # the scan finds the views
    wrong = [
        f"{module.relative_to(ROOT)}:{name} {names}"
        for module, name, names in views
        if name not in SIGN_IN_STEPS and out_of_order(names)
    ]
    assert wrong == []


def test_the_order_check_refuses_what_the_convention_forbids() -> None:
    assert not out_of_order(["require_http_methods", "data_admin", "keep_choices", "recent_auth_required"])
    assert not out_of_order(["require_http_methods", "team_member", "not_found_page"])
    assert out_of_order(["signed_in", "require_http_methods"])
    assert out_of_order(["signed_in"])
    assert out_of_order(["require_http_methods", "supervisor", "sensitive_post_parameters", "recent_auth_required"])
