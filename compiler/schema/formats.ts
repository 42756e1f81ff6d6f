/**
 * The `format` option's patterns, written once: the CHECK and the executor's input validation use
 * the same text, so a value one accepts the other accepts too. Deliberately permissive (the
 * shape, not RFC grammar); delivery is the real test of an address.
 */
export const FORMAT_PATTERNS: Record<"email" | "url", string> = {
  email: "^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$",
  url: "^https?://[^\\s/?#]+[^\\s]*$",
};
