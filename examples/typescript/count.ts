// Count the events of an NDJSON log per type: `node count.js < events.ndjson`.
// Compile next to the generated module: `evdef emit typescript --out .` then
// `tsc --strict --target es2022 --module nodenext count.ts` (needs @types/node).
import * as readline from "node:readline";
import { validateEvent, type Event } from "./events.js";

/** What to count an event as: narrowing on the name field gives each case its own parameters. */
function bucket(e: Event): string {
  switch (e.event) {
    case "api_rejected_check_in":
      // Only this event has `rejection_reason`; the compiler knows it here.
      return `${e.event}:${e.rejection_reason}`;
    case "android_reported_crash":
      return `${e.event}:${e.screen ?? "unknown screen"}`;
    default:
      return e.event;
  }
}

const counts = new Map<string, number>();
let invalid = 0;
const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  if (line.trim() === "") return;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    invalid++;
    return;
  }
  const result = validateEvent(value);
  if (!result.ok) {
    invalid++;
    for (const error of result.errors) {
      console.error(`${error.kind} at "${error.path}": ${error.message}`);
    }
    return;
  }
  const key = bucket(result.event);
  counts.set(key, (counts.get(key) ?? 0) + 1);
});
lines.on("close", () => {
  for (const [key, n] of [...counts].sort()) {
    console.log(`${key}\t${n}`);
  }
  console.log(`invalid\t${invalid}`);
});
