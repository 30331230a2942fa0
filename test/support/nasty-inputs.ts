/**
 * Hostile and broken inputs, shared by the malformed-input tests. Each entry says how it must travel:
 * `raw` values are written into the URL byte for byte (already percent-encoded where needed), the
 * others are percent-encoded as one path segment or query value.
 */
export interface NastyValue {
  name: string;
  value: string;
  raw?: boolean;
}

export const SQL_INJECTIONS = ["'; DROP TABLE customers; --", "' OR '1'='1", "1; SELECT * FROM admin_users", "\" OR \"\"=\"", "1' UNION SELECT password_hash FROM admin_users --"];

export const NASTY_VALUES: NastyValue[] = [
  { name: "path traversal", value: "../../etc/passwd" },
  { name: "raw path traversal", value: "..%2F..%2Fetc%2Fpasswd", raw: true },
  { name: "encoded dots", value: "%2e%2e%2f%2e%2e%2fetc%2fpasswd", raw: true },
  { name: "double-encoded dots", value: "%252e%252e%252fetc%252fpasswd", raw: true },
  { name: "SQL injection (drop)", value: SQL_INJECTIONS[0]! },
  { name: "SQL injection (or)", value: SQL_INJECTIONS[1]! },
  { name: "SQL injection (union)", value: SQL_INJECTIONS[4]! },
  { name: "huge exponent", value: "1e999" },
  { name: "huge integer", value: "99999999999999999999999999" },
  { name: "negative", value: "-1" },
  { name: "impossible date", value: "2025-13-45" },
  { name: "impossible date-time", value: "2025-02-30T25:61:00Z" },
  { name: "right-to-left override", value: "\u202Eeman\u202C" },
  { name: "zero-width characters", value: "a\u200B\u200C\u200Db\uFEFF" },
  { name: "emoji", value: "😀👨‍👩‍👧" },
  { name: "invalid UTF-8 escapes", value: "%C3%28%FF%FE", raw: true },
  { name: "overlong UTF-8 slash", value: "%C0%AF", raw: true },
  { name: "NUL byte", value: "%00", raw: true },
  { name: "CR LF header injection", value: "x%0D%0ASet-Cookie:%20injected=1%0D%0AX-Injected:%201", raw: true },
  { name: "very long string", value: "x".repeat(6000) },
  { name: "JSON-looking", value: "{\"$ne\":null}" },
  { name: "percent sign alone", value: "%", raw: true },
];

export interface NastyBody {
  name: string;
  body: string | Buffer;
  contentType: string;
  headers?: Record<string, string>;
}

const json = "application/json";
const deepObject = (depth: number) => `${"{\"a\":".repeat(depth)}1${"}".repeat(depth)}`;
const deepArray = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
const utf8Broken = Buffer.concat([
  Buffer.from("{\"name\":\"", "utf8"), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from("\",\"country\":\"FR\",\"email\":\"", "utf8"),
  Buffer.from([0xed, 0xa0, 0x80]), Buffer.from("@example.com\",\"username\":\"", "utf8"), Buffer.from([0xc0, 0xaf]), Buffer.from("\"}", "utf8"),
]);

/** Every field name the API knows, each given a value of the wrong type. */
const WRONG_TYPES = {
  name: 123, country: ["FR"], transferSafeguard: true, email: { $ne: null }, phone: 33612345678, externalRef: null, purposes: "service_delivery",
  fields: "name", expiresAt: 1767225600, upTo: 12.5, dealerId: 42, customerId: [], purpose: {}, username: ["admin"], password: { length: 20 },
  roles: "crm_admin", channel: 7, evidenceRef: false, policyVersion: [], birthDate: 19840309, interests: "watches",
};

/** Field names with values that are the right type but malformed. */
const MALFORMED_VALUES = {
  country: SQL_INJECTIONS[1], purposes: [SQL_INJECTIONS[0]], dealerId: SQL_INJECTIONS[1], customerId: "../../etc/passwd", upTo: "1 OR 1=1",
  email: SQL_INJECTIONS[1], phone: SQL_INJECTIONS[0], fields: ["../../etc/passwd"], expiresAt: "2025-13-45", birthDate: "2025-02-30",
  channel: "telepathy", roles: ["root"], transferSafeguard: "none", purpose: "../../etc/passwd",
};

export const NASTY_BODIES: NastyBody[] = [
  { name: "a JSON array", body: "[]", contentType: json },
  { name: "an array of objects", body: "[{\"name\":\"x\",\"country\":\"FR\"}]", contentType: json },
  { name: "a JSON string", body: "\"hello\"", contentType: json },
  { name: "JSON null", body: "null", contentType: json },
  { name: "a JSON number", body: "42", contentType: json },
  { name: "JSON true", body: "true", contentType: json },
  { name: "truncated JSON", body: "{\"name\":", contentType: json },
  { name: "JSON with a trailing comma", body: "{\"name\":\"x\",}", contentType: json },
  { name: "deeply nested objects", body: deepObject(15_000), contentType: json },
  { name: "deeply nested arrays", body: deepArray(40_000), contentType: json },
  { name: "huge numbers", body: "{\"limit\":1e999,\"amount\":-1e999,\"name\":1e400,\"upTo\":123456789012345678901234567890,\"country\":1e999}", contentType: json },
  { name: "wrong types", body: JSON.stringify(WRONG_TYPES), contentType: json },
  { name: "malformed values", body: JSON.stringify(MALFORMED_VALUES), contentType: json },
  { name: "very long strings", body: JSON.stringify({ name: "x".repeat(60_000), email: `${"a".repeat(20_000)}@example.com`, country: "FR" }), contentType: json },
  { name: "a body over the size limit", body: JSON.stringify({ name: "x".repeat(200_000) }), contentType: json },
  { name: "invalid UTF-8 bytes", body: utf8Broken, contentType: json },
  { name: "invalid UTF-8 in an otherwise valid dealer", body: Buffer.concat([Buffer.from("{\"name\":\"Caf"), Buffer.from([0xe9]), Buffer.from("\",\"country\":\"FR\"}")]), contentType: json },
  { name: "duplicate keys, the last one wrong", body: "{\"name\":\"A\",\"name\":{\"x\":1},\"country\":\"FR\",\"country\":7,\"upTo\":\"1\",\"upTo\":[]}", contentType: json },
  { name: "prototype pollution keys", body: "{\"__proto__\":{\"isAdmin\":true},\"constructor\":{\"prototype\":{\"polluted\":1}}}", contentType: json },
  { name: "UTF-16 charset", body: Buffer.from("{\"name\":\"x\"}", "utf16le"), contentType: "application/json; charset=utf-16" },
  { name: "an unknown charset", body: "{}", contentType: "application/json; charset=klingon" },
  { name: "text/plain carrying JSON", body: "{\"name\":\"x\",\"country\":\"FR\"}", contentType: "text/plain" },
  { name: "XML", body: "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>", contentType: "application/xml" },
  { name: "a form", body: "name=x&country=FR&upTo=1&email=a%40b.c", contentType: "application/x-www-form-urlencoded" },
  { name: "multipart", body: "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx\r\n--b--\r\n", contentType: "multipart/form-data; boundary=b" },
  { name: "gzip-labelled garbage", body: "not gzip", contentType: json, headers: { "Content-Encoding": "gzip" } },
  { name: "an unknown content encoding", body: "{}", contentType: json, headers: { "Content-Encoding": "br2000" } },
];
