"""The command reference, generated from the parser so that it never drifts from it.

    python -m weaknas.cli.reference > docs/reference.md

A test regenerates it and compares it with the committed file.
"""

from __future__ import annotations

import argparse

from weaknas.cli.parser import build_parser


def _subcommands(parser: argparse.ArgumentParser):
    """(name, help, parser) of each subcommand of ``parser``, in the order defined."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                yield name, helps.get(name, ""), sub


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|").replace("%%", "%")


def _option_rows(parser: argparse.ArgumentParser) -> list[str]:
    rows = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
            continue
        name = ", ".join(f"`{flag}`" for flag in action.option_strings) or f"`{action.dest}`"
        if action.choices:
            value = " \\| ".join(f"`{choice}`" for choice in action.choices)
        elif action.nargs == 0:
            value = ""  # a switch
        else:
            value = f"`{action.metavar or action.dest.upper()}`"
        default = action.default
        shown = "" if default in (None, False, argparse.SUPPRESS) else f"`{default}`"
        if action.required:
            shown = "required"
        rows.append(f"| {name} | {value} | {shown} | {_cell(action.help or '')} |")
    return rows


def _section(path: str, help_text: str, parser: argparse.ArgumentParser) -> list[str]:
    lines = [f"## `{path}`", ""]
    description = parser.description or help_text
    if description:
        lines += [_cell(description), ""]
    rows = _option_rows(parser)
    if rows:
        lines += ["| option | value | default | what it does |", "|---|---|---|---|", *rows, ""]
    for name, sub_help, sub in _subcommands(parser):
        lines += _section(f"{path} {name}", sub_help, sub)
    return lines


def markdown() -> str:
    """``docs/reference.md``: every command, option, choice and default."""
    lines = [
        "# Command reference",
        "",
        "Generated from the parser by `python -m weaknas.cli.reference > docs/reference.md`;",
        "`weaknas COMMAND --help` prints the same. The guides explain when to use what.",
        "",
    ]
    for name, help_text, sub in _subcommands(build_parser()):
        lines += _section(f"weaknas {name}", help_text, sub)
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
