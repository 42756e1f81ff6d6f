/**
 * The catalogue of spec diagnostics. Codes are stable: a retired code is never reused, and
 * docs/spec-errors.md documents exactly these (a test keeps the two in step).
 */
export const DIAGNOSTIC_CODES = {
  FS001: "file cannot be read",
  FS002: "YAML or JSON syntax error",
  FS003: "document is not a mapping or has no valid `kind`",
  FS004: "unknown key",
  FS005: "missing required key",
  FS006: "wrong type or value",
  FS007: "duplicate name",
  FS008: "name does not follow the naming convention",
  FS009: "unknown entity",
  FS010: "unknown field",
  FS011: "unknown relationship",
  FS012: "unknown state",
  FS013: "invalid status machine",
  FS014: "invalid relationship",
  FS015: "unknown policy",
  FS016: "unknown node",
  FS017: "duplicate node id",
  FS018: "cycle in flow",
  FS019: "unreachable node",
  FS020: "invalid branch edge",
  FS021: "invalid scope",
  FS022: "path parameter not in input",
  FS023: "CEL syntax error",
  FS024: "CEL type error",
  FS025: "CEL expression has the wrong result type",
  FS026: "node used before it runs",
  FS027: "policy uses data it cannot see",
  FS028: "invalid acknowledgment",
  FS029: "invalid trigger",
  FS030: "invalid field option",
  FS031: "invalid constraint",
  FS032: "invalid write",
  FS033: "duplicate route",
  FS034: "invalid after-commit effect",
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
