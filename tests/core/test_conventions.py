"""The conventions of docs/architecture.md ("One convention each"), checked on the code itself:
forms live in forms modules, view decorators come in one order, a view is named by its page
(its URL name), and a view reaches a row through an access helper that raises NotFound (never
Http404 or get_object_or_404)."""

import ast
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parent.parent.parent
# Every app: a folder with an apps.py (new apps are checked without anyone remembering to list them).
APPS = sorted(path.parent.name for path in ROOT.glob("*/apps.py"))

# Outermost first: the HTTP method, the access rule, (exports' keep_choices, which must see a
# POST before it is sent to confirm who they are), recent_auth_required, then anything else.
METHOD = {"require_http_methods"}
ACCESS = {
    "public",
    "signed_in",
    "signing_in",
    "login_not_required",
    "team_member",
    "supervisor",
    "data_admin",
    "any_role",
    "team_catalogue_keeper",
    "contact_logger",
    "token_holder",
}
RANK = {**dict.fromkeys(METHOD, 0), **dict.fromkeys(ACCESS, 1), "keep_choices": 2, "recent_auth_required": 3}
# The sign-in steps keep login_not_required and their CSRF and cache decorators outermost
# (the method is checked after CSRF there, as Django's own LoginView does); the admin's
# sign-in, which only sends to ours, answers any method the admin's own would.
SIGN_IN_STEPS = {"sign_in", "sign_in_code", "sign_in_set_up", "admin_sign_in"}


def view_modules() -> list[Path]:
    found = []
    for app in APPS:
        found += [ROOT / app / "views.py"] if (ROOT / app / "views.py").exists() else []
        found += sorted((ROOT / app / "views").glob("*.py"))
    return found


def app_modules() -> list[Path]:
    return sorted(path for app in APPS for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts)


def decorated_views(module: Path) -> list[tuple[str, list[str]]]:
    views = []
    for node in ast.parse(module.read_text()).body:
        if isinstance(node, ast.FunctionDef) and node.decorator_list:
            names = [ast.unparse(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list]
            if set(names) & (METHOD | ACCESS | {"require_GET", "require_POST"}):
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
    views = [(module, name, names) for module in app_modules() for name, names in decorated_views(module)]
    assert len(views) > 70  # the scan finds the views, in views modules and elsewhere (health, security.txt)
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


def named_pages(resolver: URLResolver | None = None, namespace: str = "") -> list[tuple[str, str]]:
    """(URL name with its namespace, the name of the view function) for every named page of
    our apps. The admin's and the API's names are their libraries' (django.contrib.admin,
    django-ninja's operation names), not views of ours."""
    found = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace not in {"admin", "api"}:
                found += named_pages(pattern, namespace + (f"{pattern.namespace}:" if pattern.namespace else ""))
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.append((namespace + pattern.name, pattern.callback.__name__))
    return found


def named_by_its_page(url_name: str, view: str) -> bool:
    """The view is called what its URL is called, or that with the page's subject in front,
    since the namespace already says the app (`clients:list` is `client_list`)."""
    page = url_name.rsplit(":", 1)[-1]
    return view == page or view.endswith(f"_{page}")


def test_every_view_is_named_by_its_page() -> None:
    pages = named_pages()
    assert len(pages) > 70
    assert [f"{url_name} -> {view}" for url_name, view in pages if not named_by_its_page(url_name, view)] == []


def test_the_name_check_refuses_a_view_named_otherwise() -> None:
    assert named_by_its_page("clients:list", "client_list")
    assert named_by_its_page("accounts:sign_in", "sign_in")
    assert not named_by_its_page("accounts:login", "sign_in")
    assert not named_by_its_page("outcomes:instruments", "instrument_list")
    assert not named_by_its_page("goals:contact_goal", "contact_goal_new")


def test_views_reach_rows_through_access_helpers_that_raise_not_found() -> None:
    """Out of scope is NotFound, raised by `<app>/access.py` (or a view), which
    core.middleware.DomainErrorMiddleware answers with the one 404 page. Only core's
    middleware turns it into Http404."""
    found = []
    for module in app_modules():
        if module.parts[-2] == "core":
            continue
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Name) and node.id in {"Http404", "get_object_or_404"}:
                found.append(f"{module.relative_to(ROOT)}:{node.lineno} {node.id}")
            if isinstance(node, ast.alias) and node.name in {"Http404", "get_object_or_404"}:
                found.append(f"{module.relative_to(ROOT)} imports {node.name}")
    assert found == []
    helpers = sorted(str(path.relative_to(ROOT)) for path in ROOT.glob("*/access.py"))
    apps = ("clients", "encounters", "exports", "goals", "health", "imports", "outcomes")
    assert helpers == [f"{app}/access.py" for app in apps]


def test_the_readme_layout_names_every_top_level_folder_and_nothing_else() -> None:
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## Repository layout", 1)[1].split("```", 2)[1]
    paths = [line.split()[0].rstrip("/") for line in block.splitlines() if line and not line.startswith(" ")]
    folders = {
        path.name
        for path in ROOT.iterdir()
        if path.is_dir() and path.name not in {"var", "node_modules"} and not path.name.startswith((".", "__"))
    }
    assert {path.split("/")[0] for path in paths if not path.startswith(".")} == folders
    assert [path for path in paths if not (ROOT / path).exists()] == []
