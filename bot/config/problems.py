"""What can be wrong with a configuration file: `ConfigProblem` names the file, the line and the problem."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """One problem of one file; `line` is 1-based (0 when the file as a whole is the problem)."""

    file: str  # "owner/repo:.github/devflowfix.yml"
    path: str  # the file's path inside its repository
    line: int
    message: str
    fatal: bool = True  # the file was not used (False: a note, e.g. an `_extends` target that does not exist)
    blob: str | None = None  # the file's blob sha, when it was read (a report is made once per blob)

    def __str__(self) -> str:
        where = f"{self.file} line {self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class ConfigFileError(Exception):
    """A file cannot be used: carries its problem."""

    def __init__(self, problem: ConfigProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem
