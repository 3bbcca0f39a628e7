#!/usr/bin/env python3
"""PyYAML's reading of YAML merge keys, recorded for evdef's merge tests (tests/merge.rs).

evdef claims PyYAML's `yaml.safe_load` semantics for `<<`. This script asks PyYAML itself, so CI does not
need Python: the answers are committed next to the cases.

    python3 tests/pyyaml/merge_cases.py table          # tests/fixtures/merge/<case>.yaml -> <case>.expected.json
    python3 tests/pyyaml/merge_cases.py random [N]     # tests/fixtures/merge-random/cases.jsonl (seeded, reproducible)
    python3 tests/pyyaml/merge_cases.py load           # stdin: JSON list of YAML texts; stdout: JSON list of results
    python3 tests/pyyaml/merge_cases.py load-core      # the same with core-schema scalars (see CoreScalarLoader)

A result is {"documents": [...]} (every document, as `yaml.safe_load_all` returns it, key order kept) or
{"error": "<first line of PyYAML's message>"}.
"""

import glob
import json
import os
import random
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLE = os.path.join(ROOT, "fixtures", "merge")
RANDOM = os.path.join(ROOT, "fixtures", "merge-random", "cases.jsonl")
SEED = 20240305


class CoreScalarLoader(yaml.SafeLoader):
    """`yaml.SafeLoader` (same merge keys) with scalars typed closer to the YAML 1.2 core schema evdef uses:
    no timestamps, and only true/false are booleans. For real definitions files (`load-core`), where an
    unquoted timestamp or a `yes` is legitimate and must not count as a merge disagreement."""


CoreScalarLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
CoreScalarLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    __import__("re").compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def load(text, loader=yaml.SafeLoader):
    try:
        return {"documents": list(yaml.load_all(text, Loader=loader))}
    except yaml.YAMLError as e:
        return {"error": str(e).splitlines()[0]}


def dump(value):
    # ensure_ascii=False and no sort: the key order is part of what is compared.
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def record_table():
    for path in sorted(glob.glob(os.path.join(TABLE, "*.yaml"))):
        with open(path, encoding="utf-8") as f:
            result = load(f.read())
        with open(path[: -len(".yaml")] + ".expected.json", "w", encoding="utf-8") as f:
            f.write(dump(result))
        print(os.path.relpath(path, ROOT), "->", "error" if "error" in result else "ok")


class Gen:
    """Random documents full of merge keys. Keys come from a small pool so that merges overlap; scalars are
    chosen where YAML 1.1 (PyYAML) and the YAML 1.2 core schema (evdef) agree: no yes/no/on/off, octal,
    sexagesimal numbers or timestamps."""

    KEYS = ["a", "b", "c", "d", "e", "f", "g"]

    def __init__(self, rng):
        self.rng = rng
        self.counter = 0
        self.later = []  # anchors on inline merge mappings, usable once their mapping is closed
        self.key_anchors = []  # anchored `<<` keys

    def scalar(self):
        self.counter += 1
        r = self.rng.random()
        if r < 0.5:
            return f"v{self.counter}"
        if r < 0.75:
            return str(self.counter)
        if r < 0.85:
            return f'"q{self.counter}"'
        if r < 0.92:
            return self.rng.choice(["true", "false", "null", "~"])
        return f"'{self.counter} words'"

    def alias(self, anchors):
        return "*" + self.rng.choice(anchors)

    def inline(self, anchors, max_keys):
        """A flow mapping; sometimes with a merge of its own, sometimes anchored for later merges."""
        keys = self.rng.sample(self.KEYS, self.rng.randint(0, max_keys))
        body = [f"{k}: {self.scalar()}" for k in keys]
        if anchors and self.rng.random() < 0.2:
            body.insert(self.rng.randint(0, len(body)), f"<<: {self.alias(anchors)}")
        text = "{" + ", ".join(body) + "}"
        if self.rng.random() < 0.1:
            self.counter += 1
            name = f"m{self.counter}"
            text = f"&{name} {text}"
            self.later.append(name)
        return text

    def merge_value(self, anchors, indent):
        r = self.rng.random()
        if not anchors or r < 0.15:
            return self.inline(anchors, 3)
        if r < 0.45:
            return self.alias(anchors)
        items = []
        for _ in range(self.rng.randint(1, 4)):
            items.append(self.alias(anchors) if self.rng.random() < 0.8 else self.inline(anchors, 2))
        if self.rng.random() < 0.7:
            return "[" + ", ".join(items) + "]"
        pad = " " * (indent + 2)
        return "\n" + "".join(f"{pad}- {i}\n" for i in items).rstrip("\n")

    def merge_key(self):
        """`<<`, an anchored `&kN <<`, or an alias `*kN :` to an earlier anchored merge key (the same node)."""
        r = self.rng.random()
        if self.key_anchors and r < 0.08:
            return f"*{self.rng.choice(self.key_anchors)} :"
        if r < 0.14:
            self.counter += 1
            name = f"k{self.counter}"
            self.key_anchors.append(name)
            return f"&{name} <<:"
        return "<<:"

    def mapping(self, anchors, indent, depth):
        """Lines of a block mapping body at `indent`."""
        pad = " " * indent
        keys = self.rng.sample(self.KEYS, self.rng.randint(0, 4))
        if self.rng.random() < 0.1:
            keys.append("'<<'")  # a quoted `<<` is an ordinary key
        items = [("key", k) for k in keys]
        for _ in range(self.rng.randint(0, 3) if anchors else self.rng.randint(0, 1)):
            items.insert(self.rng.randint(0, len(items)), ("merge", None))
        if not items:
            items.append(("key", self.rng.choice(self.KEYS)))
        lines = []
        for kind, k in items:
            if kind == "merge":
                key = self.merge_key()
                lines.append(f"{pad}{key} {self.merge_value(anchors, indent)}")
                anchors.extend(self.later)
                self.later.clear()
            elif depth < 2 and self.rng.random() < 0.15:
                lines.append(f"{pad}{k}:")
                lines.extend(self.mapping(anchors, indent + 2, depth + 1))
            elif anchors and self.rng.random() < 0.1:
                lines.append(f"{pad}{k}: {self.alias(anchors)}")
            else:
                lines.append(f"{pad}{k}: {self.scalar()}")
        return lines

    def document(self):
        self.later, self.key_anchors = [], []
        anchors = []
        lines = []
        for i in range(self.rng.randint(1, 5)):
            name = f"f{i}"
            lines.append(f".{name}: &{name}")
            # Anchors made inside the fragment are usable after it; the fragment's own only after it closes.
            inner = list(anchors)
            lines.extend(self.mapping(inner, 2, 1))
            anchors = inner + [name]
        if self.rng.random() < 0.2:
            # Merges in the document's root mapping.
            lines.append(f"{self.merge_key()} {self.merge_value(anchors, 0)}")
            anchors.extend(self.later)
            self.later.clear()
        for i in range(self.rng.randint(1, 3)):
            lines.append(f"r{i}:")
            lines.extend(self.mapping(anchors, 2, 0))
        return "\n".join(lines) + "\n"


def record_random(n):
    rng = random.Random(SEED)
    gen = Gen(rng)
    os.makedirs(os.path.dirname(RANDOM), exist_ok=True)
    with open(RANDOM, "w", encoding="utf-8") as f:
        for i in range(n):
            text = gen.document()
            case = {"case": i, "yaml": text}
            case.update(load(text))
            f.write(json.dumps(case, ensure_ascii=False) + "\n")
    print(f"{n} cases -> {os.path.relpath(RANDOM, ROOT)}")


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else "table"
    if cmd == "table":
        record_table()
    elif cmd == "random":
        record_random(int(sys.argv[2]) if len(sys.argv) > 2 else 300)
    elif cmd in ("load", "load-core"):
        loader = yaml.SafeLoader if cmd == "load" else CoreScalarLoader
        texts = json.load(sys.stdin)
        json.dump([load(t, loader) for t in texts], sys.stdout, ensure_ascii=False)
    else:
        sys.exit(f"unknown command {cmd!r}; see the docstring")


if __name__ == "__main__":
    main()
