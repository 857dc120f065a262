"""What browser tests do again and again: log in, check accessibility with axe-core, move by keyboard."""

import re
from functools import cache

from tests.support.factories import PASSWORD
from tests.support.totp import TOTP_SECRET, fresh_code

SERIOUS_IMPACTS = ("serious", "critical")


def login_as(page, user, password: str = PASSWORD, totp_secret: str = TOTP_SECRET) -> None:
    """Log in through the real form, then type a fresh one-time code if the account asks for one;
    ends on the page the portal lands on (the dashboard, or the second-factor setup for an admin
    without one)."""
    page.goto("/connexion")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label(re.compile(r"^Mot de passe")).fill(password)
    page.get_by_role("button", name="Se connecter").click()
    if "/connexion/verification" in page.url:
        page.get_by_label("Code à 6 chiffres ou code de secours").fill(fresh_code(user.email, totp_secret))
        page.get_by_role("button", name="Valider").click()
    page.wait_for_load_state()
    assert "/connexion" not in page.url, f"login of {user.email} failed: {page.locator('main').inner_text()}"


@cache
def _axe_script() -> str:
    from axe_playwright_python.base import AXE_SCRIPT  # axe-core's own axe.min.js, as the package ships it

    return AXE_SCRIPT


def axe_violations(page, rules: list[str] | None = None) -> list[dict]:
    """axe-core's violations of serious or critical impact on the page as it is now (only ``rules``,
    axe rule ids, when given). axe is injected once per page load, then run as often as needed."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_script())
    options = {"resultTypes": ["violations"], **({"runOnly": {"type": "rule", "values": rules}} if rules else {})}
    results = page.evaluate("options => axe.run(document, options)", options)
    return [violation for violation in results["violations"] if violation["impact"] in SERIOUS_IMPACTS]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {', '.join(node['target'])}: {node['html'][:160]}" for node in violation["nodes"][:5])
    return "\n".join(lines)


def assert_no_serious_violations(page, rules: list[str] | None = None) -> None:
    """Zero serious or critical axe-core violations on the current page (WCAG 2.x A and AA rules, and
    axe's best practices; only ``rules`` when given)."""
    violations = axe_violations(page, rules)
    assert not violations, f"axe-core on {page.url}:\n{describe_violations(violations)}"


def is_focused(page, selector: str) -> bool:
    return page.locator(selector).first.evaluate("element => element === document.activeElement")


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching ``selector`` has the focus, as a keyboard user does, and
    check the focus can be seen (an outline or a shadow drawn around the element)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if is_focused(page, selector):
            assert_focus_visible(page)
            return
    raise AssertionError(f"{selector!r} never got the focus after {limit} presses of Tab on {page.url}")


def press_on(page, selector: str) -> None:
    """Tab to the element, then press Enter on it (a link or a button)."""
    tab_to(page, selector)
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def assert_focus_visible(page) -> None:
    style = page.evaluate("""() => {
        const style = getComputedStyle(document.activeElement);
        return {outline: style.outlineStyle, width: style.outlineWidth, shadow: style.boxShadow};
    }""")
    visible = (style["outline"] != "none" and style["width"] != "0px") or style["shadow"] != "none"
    assert visible, f"the focused element shows no focus indicator: {style}"
