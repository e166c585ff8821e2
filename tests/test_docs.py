"""The documentation keeps up with the code: every command and option is in docs/commands.md,
every link between the README and docs/ resolves, and the README shows the two commands."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from solkg.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[1]
COMMANDS_DOC = ROOT / "docs" / "commands.md"
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _sections(text: str) -> dict[str, str]:
    """``## solkg NAME`` section → its text."""
    parts = re.split(r"^## solkg (\S+)\s*$", text, flags=re.M)
    return {name: body for name, body in zip(parts[1::2], parts[2::2], strict=True)}


@pytest.mark.parametrize("command", COMMANDS, ids=[c.name or "" for c in COMMANDS])
def test_every_command_and_option_is_documented(command: click.Command):
    sections = _sections(COMMANDS_DOC.read_text(encoding="utf-8"))
    assert command.name in sections, f"docs/commands.md has no '## solkg {command.name}' section"
    body = sections[command.name]
    missing = []
    for param in command.params:
        if isinstance(param, click.Option):
            names = [o for o in param.opts + param.secondary_opts if o.startswith("--")]
            if names and not any(re.search(re.escape(n) + r"(?![\w-])", body) for n in names):
                missing.append("/".join(names))
    assert not missing, f"solkg {command.name}: options missing from docs/commands.md: {', '.join(missing)}"


def test_no_section_for_a_command_that_does_not_exist():
    sections = _sections(COMMANDS_DOC.read_text(encoding="utf-8"))
    assert set(sections) <= {c.name for c in COMMANDS}


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_relative_links_resolve(page: Path):
    text = page.read_text(encoding="utf-8")
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        path = target.split("#", 1)[0]
        if path and not (page.parent / path).exists():
            broken.append(target)
    assert not broken, f"{page.name}: broken links {broken}"


def test_readme_is_a_landing_page():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install . && solkg build" in text
    assert "pip install -e '.[test]' && python -m pytest" in text
    assert len(text.splitlines()) < 300, "reference and figures belong in docs/"
    for page in ("docs/commands.md", "docs/architecture.md", "docs/decisions.md", "docs/security.md"):
        assert f"]({page})" in text
