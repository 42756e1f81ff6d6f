/**
 * JSON with object keys sorted at every level, so the same content always hashes the same: the
 * audit chain hashes records with it and deployments hash their plan with it. Keys whose value is
 * undefined are left out (as JSON.stringify does); undefined elsewhere is `null`.
 *
 * Written as plain loops over sorted keys: the executor runs it three times per invocation (the
 * idempotency fingerprint, the input digest, the audit record), so it avoids the entry arrays
 * and closures an Object.entries/map/join version allocates.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i === 0 ? "" : ",") + canonicalJson(value[i]);
    return `${out}]`;
  }
  const object = value as Record<string, unknown>;
  // The default sort compares UTF-16 code units, like `<` on strings.
  const keys = Object.keys(object).sort();
  let out = "{";
  for (const key of keys) {
    const v = object[key];
    if (v === undefined) continue;
    out += (out.length === 1 ? "" : ",") + JSON.stringify(key) + ":" + canonicalJson(v);
  }
  return `${out}}`;
}
