"""Reading a configuration file's YAML safely: a bounded size, no anchors or aliases (no alias bombs), bounded depth
and node count, plain data only (SafeLoader's types); each value's line kept so problems can name it.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_BYTES = 64 * 1024
MAX_DEPTH = 20
MAX_NODES = 5_000

Lines = dict[tuple[str | int, ...], int]  # key path -> 1-based line
# libyaml's parser when PyYAML was built with it (the wheels are): the same events and marks, several times faster
Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlError(ValueError):
    """The YAML cannot be used; `line` is 1-based (0: unknown)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def parse(text: str, *, max_bytes: int = MAX_BYTES) -> tuple[Any, Lines]:
    """The document's data and the line of each key path; raises YamlError."""
    if len(text.encode("utf-8", "replace")) > max_bytes:
        raise YamlError(f"the file is larger than {max_bytes // 1024} KiB")
    _check_nesting(text)  # before PyYAML, whose scanner is quadratic in the nesting of `[` and `{`
    try:
        values = 0
        for event in yaml.parse(text, Loader=Loader):  # a first pass, iterative and stopped early
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise YamlError("anchors and aliases (&, *) are not allowed", _line(event.start_mark))
            if isinstance(event, yaml.NodeEvent):
                values += 1
                if values > MAX_NODES:
                    raise YamlError(f"more than {MAX_NODES} values", _line(event.start_mark))
        loader = Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlError(f"invalid YAML: {exc.problem or exc.context or 'syntax error'}", _line(mark)) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {type(exc).__name__}") from None
    except RecursionError:  # the pre-checks make this unreachable; a 500 it must never be
        raise YamlError(f"nested deeper than {MAX_DEPTH} levels") from None
    if node is None:
        return None, {}
    lines: Lines = {}
    counter = [0]
    return _build(node, (), lines, counter), lines


def _check_nesting(text: str) -> None:
    """Refuse deep flow nesting (`[[[[…`) and deep indentation in one linear pass (brackets inside quotes count
    too: a real configuration never comes near the limit)."""
    depth = 0
    line = 1
    for ch in text:
        if ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlError(f"nested deeper than {MAX_DEPTH} levels", line)
        elif ch in "]}":
            depth = max(depth - 1, 0)
        elif ch == "\n":
            line += 1
    for number, row in enumerate(text.splitlines(), 1):  # indentation, and `- - - …` (a sequence per dash)
        if len(row) - len(row.lstrip(" -\t")) > 4 * MAX_DEPTH:
            raise YamlError(f"nested deeper than {MAX_DEPTH} levels (indentation and `- `)", number)


def _line(mark: Any) -> int:
    return int(mark.line) + 1 if mark is not None else 0


def _build(node: yaml.Node, path: tuple[str | int, ...], lines: Lines, counter: list[int]) -> Any:
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise YamlError(f"more than {MAX_NODES} values", _line(node.start_mark))
    if len(path) > MAX_DEPTH:
        raise YamlError(f"nested deeper than {MAX_DEPTH} levels", _line(node.start_mark))
    lines.setdefault(path, _line(node.start_mark))
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError("a key must be a plain word", _line(key_node.start_mark))
            key = str(key_node.value)
            if key in out:
                raise YamlError(f"the key {key!r} is given twice", _line(key_node.start_mark))
            lines[(*path, key)] = _line(key_node.start_mark)
            out[key] = _build(value_node, (*path, key), lines, counter)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), lines, counter) for i, item in enumerate(node.value)]
    constructor = yaml.SafeLoader("")
    try:
        return constructor.construct_object(node, deep=True)  # a scalar: SafeLoader's types only
    except yaml.YAMLError:
        raise YamlError("a value SafeLoader cannot read", _line(node.start_mark)) from None
    finally:
        constructor.dispose()


def line_of(lines: Lines, loc: tuple[str | int, ...]) -> int:
    """The line of the longest known prefix of `loc` (a pydantic error location)."""
    for end in range(len(loc), -1, -1):
        found = lines.get(tuple(loc[:end]))
        if found:
            return found
    return 0
