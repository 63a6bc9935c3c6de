#!/usr/bin/env python3
"""Prints the `use crate::` edges between the top-level modules of src/ (test code left out)
and exits 1 if they form a cycle, naming it. Run by .ci/run; usage: python3 .ci/module-graph.py"""
import pathlib
import re
import sys

SRC = pathlib.Path(__file__).resolve().parent.parent / "src"
ROOTS = {"lib.rs", "main.rs"}


def module_of(path: pathlib.Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".rs") if len(rel.parts) > 1 or rel.name not in ROOTS else "lib"


def strip_tests(text: str) -> str:
    # Drops `#[cfg(test)] mod x { … }` blocks by brace matching.
    out, i = [], 0
    for m in re.finditer(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{", text):
        if m.start() < i:
            continue
        out.append(text[i : m.start()])
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        i = j
    out.append(text[i:])
    return "".join(out)


def strip_comments(text: str) -> str:
    return re.sub(r"//[^\n]*", "", text)


def reexports() -> dict:
    # `pub use build::{Failure, Report};` in lib.rs: `crate::Failure` is the `build` module's.
    out = {}
    for m in re.finditer(r"pub use (\w+)::(\{[^}]*\}|\w+);", (SRC / "lib.rs").read_text()):
        for item in re.split(r",", m.group(2).strip("{}")):
            item = item.strip().split(" as ")[-1].strip()
            if item:
                out[item] = m.group(1)
    return out


def names(text: str):
    # `crate::a::…`, `crate::{a, b::c}` and `use crate::a` all name top-level modules.
    for m in re.finditer(r"crate::(\{[^}]*\}|\w+)", text):
        part = m.group(1)
        if part.startswith("{"):
            for item in re.split(r",", part.strip("{}")):
                item = item.strip().split("::")[0].strip()
                if item:
                    yield item
        else:
            yield part


def graph():
    modules = {module_of(p) for p in SRC.rglob("*.rs")}
    edges = {}
    aliases = reexports()
    for p in SRC.rglob("*.rs"):
        if p.name == "tests.rs":
            continue
        m = module_of(p)
        text = strip_comments(strip_tests(p.read_text()))
        for n in names(text):
            target = n if n in modules else aliases.get(n, "lib")
            if target != m:
                edges.setdefault(m, set()).add(target)
    return modules, edges


def cycle(modules, edges):
    state, stack = {}, []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for n in sorted(edges.get(m, ())):
            if state.get(n) == 1:
                return stack[stack.index(n) :] + [n]
            if n not in state and (found := visit(n)):
                return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(modules):
        if m not in state and (found := visit(m)):
            return found
    return None


def main():
    modules, edges = graph()
    for m in sorted(modules):
        print(f"{m} -> {' '.join(sorted(edges.get(m, ()))) or '(none)'}")
    # `main` is the binary and `lib` the crate root: only the library's own modules must be acyclic.
    inner = {m: {n for n in e if n not in ("lib", "main")} for m, e in edges.items() if m not in ("lib", "main")}
    # The crate root only declares and re-exports: a module that needs it depends on itself.
    onto_lib = sorted(m for m, e in edges.items() if "lib" in e and m != "main")
    if onto_lib:
        print("modules that depend on the crate root instead of a module: " + " ".join(onto_lib))
        sys.exit(1)
    found = cycle(modules - {"lib", "main"}, inner)
    if found:
        print("cycle: " + " -> ".join(found))
        sys.exit(1)
    print("no cycle between the top-level modules")


if __name__ == "__main__":
    main()
