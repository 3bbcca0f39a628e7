#!/usr/bin/env python3
"""Generate the input of benches/validate.sh: a definitions tree with 24 event types and an NDJSON log.

usage: gen_events.py OUT_DIR [LINES]   (default 1,000,000 lines, ~400 bytes each, ~5% invalid)
Writes OUT_DIR/definitions/{_common,events}.yaml and OUT_DIR/events.ndjson. Deterministic (seeded).
"""
import json
import os
import random
import sys

out = sys.argv[1]
lines = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
rng = random.Random(42)

COMMON = """.user: &user
  user_id: integer
  user_email: email
  account_tier:
    type: string
    enum: [free, pro, enterprise]
.client: &client
  client_id: string
  client_version:
    type: string
    pattern: "^[0-9]+\\\\.[0-9]+\\\\.[0-9]+$"
  platform:
    type: string
    enum: [ios, android, web]
.request: &request
  request_id: uuid
  occurred_at: timestamp
  session_id: string?
"""

AREAS = ["api", "billing", "search", "checkin", "reward", "profile", "feed", "message"]
ACTIONS = ["created", "updated", "viewed"]


def event_params(i):
    """Extra parameters per event type: a mix of scalars, a nested object and an array."""
    kinds = [
        ("business_id", "integer"),
        ("amount", "number"),
        ("currency", "string"),
        ("offline", "boolean"),
        ("referrer", "url?"),
        ("day", "date"),
        ("count", "integer"),
    ]
    rng_local = random.Random(i)
    return rng_local.sample(kinds, 4)


def main():
    os.makedirs(os.path.join(out, "definitions"), exist_ok=True)
    with open(os.path.join(out, "definitions", "_common.yaml"), "w") as f:
        f.write(COMMON)
    events = []
    with open(os.path.join(out, "definitions", "events.yaml"), "w") as f:
        for i, (area, action) in enumerate((a, b) for a in AREAS for b in ACTIONS):
            name = f"{area}_{action}_item"
            params = event_params(i)
            events.append((name, params))
            f.write(f"{name}:\n  description: {area} item {action}\n  parameters:\n")
            f.write("    <<: [*user, *client, *request]\n")
            for p, t in params:
                f.write(f"    {p}: {t}\n")
            f.write("    location:\n      type: object\n      properties:\n        lat: number\n        lon: number\n")
            f.write("    labels:\n      type: array\n      items: string\n      max_items: 5\n\n")

    def value(t):
        t = t.rstrip("?")
        return {
            "integer": rng.randint(1, 10_000_000),
            "number": round(rng.uniform(0, 1000), 2),
            "string": rng.choice(["EUR", "USD", "GBP", "JPY"]),
            "boolean": rng.random() < 0.5,
            "url": "https://example.com/p/%d" % rng.randint(1, 99999),
            "date": "2024-%02d-%02d" % (rng.randint(1, 12), rng.randint(1, 28)),
        }[t]

    def valid_event(name, params):
        e = {
            "event": name,
            "user_id": rng.randint(1, 10_000_000),
            "user_email": "user%d@example.com" % rng.randint(1, 10_000_000),
            "account_tier": rng.choice(["free", "pro", "enterprise"]),
            "client_id": "client-%08x" % rng.getrandbits(32),
            "client_version": "%d.%d.%d" % (rng.randint(1, 9), rng.randint(0, 30), rng.randint(0, 99)),
            "platform": rng.choice(["ios", "android", "web"]),
            "request_id": "%08x-%04x-4%03x-a%03x-%012x"
            % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12), rng.getrandbits(12), rng.getrandbits(48)),
            "occurred_at": "2024-05-%02dT%02d:%02d:%02d.%03dZ"
            % (rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59), rng.randint(0, 999)),
            "session_id": "s-%016x" % rng.getrandbits(64),
        }
        for p, t in params:
            e[p] = value(t)
        e["location"] = {"lat": round(rng.uniform(-90, 90), 5), "lon": round(rng.uniform(-180, 180), 5)}
        e["labels"] = rng.sample(["new", "promo", "beta", "vip", "test", "eu"], 2)
        return e

    def corrupt(e):
        k = rng.randrange(8)
        if k == 0:
            e["user_id"] = "abc"
        elif k == 1:
            del e["request_id"]
        elif k == 2:
            e["unexpected"] = 1
        elif k == 3:
            e["occurred_at"] = "yesterday"
        elif k == 4:
            e["platform"] = "symbian"
        elif k == 5:
            e["event"] = "no_such_event"
        elif k == 6:
            return json.dumps(e, separators=(",", ":"))[:-7]  # truncated: malformed JSON
        else:
            e["location"] = {"lat": "north"}
        return json.dumps(e, separators=(",", ":"))

    with open(os.path.join(out, "events.ndjson"), "w") as f:
        buf = []
        for n in range(lines):
            name, params = events[rng.randrange(len(events))]
            e = valid_event(name, params)
            line = corrupt(e) if rng.random() < 0.05 else json.dumps(e, separators=(",", ":"))
            buf.append(line)
            if len(buf) >= 10000:
                f.write("\n".join(buf) + "\n")
                buf = []
        if buf:
            f.write("\n".join(buf) + "\n")


main()
