// ---------------------------------------------------------------------------------------------------------
// Runtime guards. They interpret the JSON Schema that `evdef emit json-schema` writes for each event (the
// table above), with the keywords and formats `evdef validate` enforces, so their verdicts, paths and kinds
// are those of `evdef validate --format json` (messages are worded differently).

/** One violation: a JSON Pointer into the value, a message, and a kind as `evdef validate` names it. */
export interface ValidationError {
  /** JSON Pointer to the offending value (`""` for the whole event). */
  path: string;
  /** What is wrong. */
  message: string;
  /** `type`, `required`, `additional`, `enum`, `format`, `pattern`, `minimum`, `missing-name`, ... */
  kind: string;
}

/** The verdict of {@link validateEvent}. */
export type ValidationResult =
  | { ok: true; event: Event }
  | { ok: false; errors: ValidationError[] };

interface __EvdefSchema {
  type?: string | string[];
  format?: string;
  const?: unknown;
  enum?: unknown[];
  properties?: { [key: string]: __EvdefSchema };
  required?: string[];
  additionalProperties?: boolean | __EvdefSchema;
  items?: __EvdefSchema;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
}

type __EvdefObject = { [key: string]: unknown };

function __evdefHas(o: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

function __evdefIsObject(v: unknown): v is __EvdefObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function __evdefPointer(path: string, key: string | number): string {
  return path + "/" + String(key).replace(/~/g, "~0").replace(/\//g, "~1");
}

function __evdefShow(v: unknown): string {
  const text = JSON.stringify(v);
  if (text === undefined) return String(v);
  return text.length > 80 ? text.slice(0, 80) + "…" : text;
}

/** 2^63, exactly representable: `integer` is a signed 64-bit integer. */
const __evdefI64 = 9223372036854775808;

function __evdefIsType(type: string, v: unknown): boolean {
  switch (type) {
    case "null":
      return v === null;
    case "boolean":
      return typeof v === "boolean";
    case "string":
      return typeof v === "string";
    case "number":
      return typeof v === "number" && Number.isFinite(v);
    case "integer":
      // Exact for every integer a JavaScript number holds; JSON integers beyond ±(2^53 - 1) were already
      // rounded by `JSON.parse`, so their verdict is the rounded value's.
      return typeof v === "number" && Number.isInteger(v) && v >= -__evdefI64 && v < __evdefI64;
    case "object":
      return __evdefIsObject(v);
    case "array":
      return Array.isArray(v);
    default:
      return false;
  }
}

function __evdefEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => __evdefEqual(x, b[i]));
  }
  if (__evdefIsObject(a) && __evdefIsObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((k) => __evdefHas(b, k) && __evdefEqual(a[k], b[k]))
    );
  }
  return false;
}

function __evdefCodePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

// Formats: the grammars of the `jsonschema` crate that `evdef validate` uses.

function __evdefDigits(s: string, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i);
    if (!(c >= 48 && c <= 57)) return -1;
    v = v * 10 + (c - 48);
  }
  return v;
}

function __evdefIsDate(s: string): boolean {
  if (s.length !== 10 || s[4] !== "-" || s[7] !== "-") return false;
  const year = __evdefDigits(s, 0, 4);
  const month = __evdefDigits(s, 5, 2);
  const day = __evdefDigits(s, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const last = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return day <= last;
}

function __evdefIsTime(s: string): boolean {
  const len = s.length;
  if (len < 9 || s[2] !== ":" || s[5] !== ":") return false;
  const hour = __evdefDigits(s, 0, 2);
  const minute = __evdefDigits(s, 3, 2);
  const second = __evdefDigits(s, 6, 2);
  if (hour < 0 || minute < 0 || second < 0 || hour > 23 || minute > 59 || second > 60) return false;
  let i = 8;
  if (i < len && s[i] === ".") {
    i++;
    const start = i;
    while (i < len && __evdefDigits(s, i, 1) >= 0) i++;
    if (i === start) return false;
  }
  if (i === len) return false;
  const sign = s[i];
  if (sign === "Z" || sign === "z") {
    return i === len - 1 && (second !== 60 || (hour === 23 && minute === 59));
  }
  if ((sign !== "+" && sign !== "-") || len - i !== 6) return false;
  i++;
  if (s[i + 2] !== ":") return false;
  const offsetHour = __evdefDigits(s, i, 2);
  const offsetMinute = __evdefDigits(s, i + 3, 2);
  if (offsetHour < 0 || offsetMinute < 0 || offsetHour > 23 || offsetMinute > 59) return false;
  if (second !== 60) return true;
  // A leap second is valid only at 23:59 UTC.
  let utcHour = sign === "+" ? hour - offsetHour : hour + offsetHour;
  let utcMinute = sign === "+" ? minute - offsetMinute : minute + offsetMinute;
  utcHour += Math.trunc(utcMinute / 60);
  utcMinute %= 60;
  if (utcMinute < 0) {
    utcMinute += 60;
    utcHour -= 1;
  }
  utcHour = (utcHour + 24) % 24;
  return utcHour === 23 && utcMinute === 59;
}

function __evdefIsDateTime(s: string): boolean {
  const t = s.search(/[Tt]/);
  return t >= 0 && __evdefIsDate(s.slice(0, t)) && __evdefIsTime(s.slice(t + 1));
}

function __evdefIsUuid(s: string): boolean {
  return /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/.test(s);
}

// RFC 3986 character classes, as the `jsonschema` crate's `uri` check scans them.
const __evdefUnreserved = /[A-Za-z0-9\-._~!$&'()*+,;=]/;

function __evdefScan(s: string, at: number, extra: string): number {
  while (at < s.length) {
    const c = s[at];
    if (__evdefUnreserved.test(c) || extra.includes(c)) {
      at++;
    } else if (c === "%") {
      if (!/^[0-9A-Fa-f]{2}$/.test(s.slice(at + 1, at + 3))) return -1;
      at += 3;
    } else {
      break;
    }
  }
  return at;
}

function __evdefIsUri(s: string): boolean {
  const scheme = /^[A-Za-z][A-Za-z0-9+\-.]*:/.exec(s);
  if (scheme === null) return false;
  let at = scheme[0].length;
  if (s.startsWith("//", at)) {
    const end = __evdefScan(s, at + 2, ":@");
    if (end < 0) return false;
    if (s[end] === "[" || s[end] === "]") return __evdefIsIpLiteralUri(s.slice(at + 2));
    const authority = s.slice(at + 2, end);
    const hostPort = authority.slice(authority.indexOf("@") + 1);
    const colon = hostPort.search(/[:@]/);
    if (colon >= 0 && (hostPort[colon] !== ":" || !/^[0-9]*$/.test(hostPort.slice(colon + 1)))) {
      return false;
    }
    at = end;
  }
  at = __evdefScan(s, at, ":@/");
  if (at < 0) return false;
  for (const mark of ["?", "#"]) {
    if (s[at] === mark) {
      at = __evdefScan(s, at + 1, ":@/?");
      if (at < 0) return false;
    }
  }
  return at === s.length;
}

/** An authority with a bracketed IP literal, then path, query and fragment (RFC 3986). */
function __evdefIsIpLiteralUri(rest: string): boolean {
  const m = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:%]*@)?\[([^\]]*)\](?::[0-9]*)?([/?#].*)?$/.exec(rest);
  if (m === null) return false;
  const literal = m[1];
  const ok = /^v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+$/.test(literal) || __evdefIsIpv6(literal);
  const tail = m[2] ?? "";
  return ok && (tail === "" || __evdefIsUri("x:" + tail));
}

function __evdefIsIpv4(s: string): boolean {
  const parts = s.split(".");
  return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

function __evdefIsIpv6(s: string): boolean {
  let head = s;
  let groups = 8;
  const lastColon = s.lastIndexOf(":");
  if (s.includes(".")) {
    if (!__evdefIsIpv4(s.slice(lastColon + 1))) return false;
    head = s.slice(0, lastColon + 1) + "0";
    groups = 7;
  }
  const halves = head.split("::");
  if (halves.length > 2) return false;
  const group = /^[0-9A-Fa-f]{1,4}$/;
  const count = (h: string): number => (h === "" ? 0 : h.split(":").every((g) => group.test(g)) ? h.split(":").length : -1);
  if (halves.length === 1) return count(head) === groups;
  const a = count(halves[0]);
  const b = count(halves[1]);
  return a >= 0 && b >= 0 && a + b < groups;
}

function __evdefIsHostname(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  const name = s.endsWith(".") ? s.slice(0, -1) : s;
  return name.split(".").every(
    (label) =>
      /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label) &&
      !(label.length >= 4 && label[2] === "-" && label[3] === "-" && !/^xn--/i.test(label)),
  );
}

function __evdefIsEmail(s: string): boolean {
  const at = s.lastIndexOf("@");
  if (at <= 0 || at > 64) return false;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  const atom = "[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~]+";
  const dotAtom = new RegExp("^" + atom + "(?:\\." + atom + ")*$");
  const quoted = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$/;
  if (!dotAtom.test(local) && !quoted.test(local)) return false;
  if (domain.startsWith("[") && domain.endsWith("]")) {
    const literal = domain.slice(1, -1);
    return /^ipv6:/i.test(literal) ? __evdefIsIpv6(literal.slice(5)) : __evdefIsIpv4(literal);
  }
  return __evdefIsHostname(domain);
}

function __evdefFormat(format: string, s: string): boolean {
  // Every format here is ASCII (the validator rejects non-ASCII local parts and host names in `email`).
  if (/[^\x00-\x7f]/.test(s)) return false;
  switch (format) {
    case "date-time":
      return __evdefIsDateTime(s);
    case "date":
      return __evdefIsDate(s);
    case "uuid":
      return __evdefIsUuid(s);
    case "email":
      return __evdefIsEmail(s);
    case "uri":
      return __evdefIsUri(s);
    default:
      return true;
  }
}

const __evdefPatterns = new Map<string, RegExp>();

function __evdefPattern(pattern: string): RegExp {
  let re = __evdefPatterns.get(pattern);
  if (re === undefined) {
    re = new RegExp(pattern, "u");
    __evdefPatterns.set(pattern, re);
  }
  return re;
}

function __evdefCheck(schema: __EvdefSchema, v: unknown, path: string, errors: ValidationError[]): void {
  const error = (message: string, kind: string, at: string = path): void => {
    errors.push({ path: at, message, kind });
  };
  if (schema.type !== undefined) {
    const types = typeof schema.type === "string" ? [schema.type] : schema.type;
    if (!types.some((t) => __evdefIsType(t, v))) {
      error(`${__evdefShow(v)} is not of type ${types.map((t) => JSON.stringify(t)).join(" or ")}`, "type");
    }
  }
  if (schema.const !== undefined && !__evdefEqual(schema.const, v)) {
    error(`${__evdefShow(schema.const)} was expected`, "const");
  }
  if (schema.enum !== undefined && !schema.enum.some((e) => __evdefEqual(e, v))) {
    error(`${__evdefShow(v)} is not one of ${__evdefShow(schema.enum)}`, "enum");
  }
  if (typeof v === "string") {
    if (schema.format !== undefined && !__evdefFormat(schema.format, v)) {
      error(`${__evdefShow(v)} is not a ${JSON.stringify(schema.format)}`, "format");
    }
    if (schema.pattern !== undefined && !__evdefPattern(schema.pattern).test(v)) {
      error(`${__evdefShow(v)} does not match ${JSON.stringify(schema.pattern)}`, "pattern");
    }
    const length = schema.minLength !== undefined || schema.maxLength !== undefined ? __evdefCodePoints(v) : 0;
    if (schema.minLength !== undefined && length < schema.minLength) {
      error(`${__evdefShow(v)} is shorter than ${schema.minLength} characters`, "min-length");
    }
    if (schema.maxLength !== undefined && length > schema.maxLength) {
      error(`${__evdefShow(v)} is longer than ${schema.maxLength} characters`, "max-length");
    }
  }
  if (typeof v === "number") {
    if (schema.minimum !== undefined && v < schema.minimum) {
      error(`${v} is less than the minimum of ${schema.minimum}`, "minimum");
    }
    if (schema.maximum !== undefined && v > schema.maximum) {
      error(`${v} is greater than the maximum of ${schema.maximum}`, "maximum");
    }
  }
  if (Array.isArray(v)) {
    if (schema.minItems !== undefined && v.length < schema.minItems) {
      error(`${__evdefShow(v)} has fewer than ${schema.minItems} items`, "min-items");
    }
    if (schema.maxItems !== undefined && v.length > schema.maxItems) {
      error(`${__evdefShow(v)} has more than ${schema.maxItems} items`, "max-items");
    }
    const items = schema.items;
    if (items !== undefined) {
      v.forEach((item, i) => __evdefCheck(items, item, __evdefPointer(path, i), errors));
    }
  }
  if (__evdefIsObject(v)) {
    __evdefCheckObject(schema, v, path, errors);
  }
}

function __evdefCheckObject(schema: __EvdefSchema, v: __EvdefObject, path: string, errors: ValidationError[]): void {
  for (const key of schema.required ?? []) {
    if (!__evdefHas(v, key)) {
      errors.push({ path, message: `${JSON.stringify(key)} is a required property`, kind: "required" });
    }
  }
  const properties = schema.properties ?? {};
  const unexpected: string[] = [];
  for (const key of Object.keys(v)) {
    if (__evdefHas(properties, key)) {
      __evdefCheck(properties[key], v[key], __evdefPointer(path, key), errors);
    } else if (schema.additionalProperties === false) {
      unexpected.push(key);
    } else if (typeof schema.additionalProperties === "object") {
      __evdefCheck(schema.additionalProperties, v[key], __evdefPointer(path, key), errors);
    }
  }
  if (unexpected.length > 0) {
    const list = unexpected.map((k) => JSON.stringify(k)).join(", ");
    errors.push({ path, message: `additional properties are not allowed (${list})`, kind: "additional" });
  }
}

/**
 * Check a parsed log line against the definitions: the same verdict, paths and kinds as
 * `evdef validate --format json` (unknown events are errors, as by default).
 */
export function validateEvent(value: unknown): ValidationResult {
  const fail = (path: string, message: string, kind: string): ValidationResult => ({
    ok: false,
    errors: [{ path, message, kind }],
  });
  if (!__evdefIsObject(value)) {
    return fail("", `${__evdefShow(value)} is not of type "object"`, "type");
  }
  const namePath = __evdefPointer("", __evdefNameField);
  if (!__evdefHas(value, __evdefNameField)) {
    return fail("", `no name field ${JSON.stringify(__evdefNameField)}`, "missing-name");
  }
  const name = value[__evdefNameField];
  if (typeof name !== "string") {
    return fail(namePath, `the name field ${JSON.stringify(__evdefNameField)} is not a string`, "missing-name");
  }
  if (!__evdefHas(__evdefSchemas, name)) {
    return fail(namePath, `unknown event ${JSON.stringify(name)}`, "unknown-event");
  }
  const errors: ValidationError[] = [];
  __evdefCheck(__evdefSchemas[name], value, "", errors);
  return errors.length === 0 ? { ok: true, event: value as unknown as Event } : { ok: false, errors };
}

/** Whether a parsed log line is a valid event (see {@link validateEvent}); narrows it to {@link Event}. */
export function isEvent(value: unknown): value is Event {
  return validateEvent(value).ok;
}
