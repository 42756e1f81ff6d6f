/**
 * The labels every labelled child carries: the user's `labels` plus Fascia's own, `managed-by:
 * fascia` and `fascia-app: <app>` (what a platform team filters billing and inventories on).
 * Checked against GCP's label rules when the program runs, so a bad label fails the preview
 * naming the key instead of failing one API call per child at deploy. Pure: no Pulumi imports.
 */

/** Set by Fascia on every labelled child; a user label may not replace them. */
export const FASCIA_LABEL_KEYS = ["fascia-app", "managed-by"] as const;

/** GCP: at most 64 labels per resource. */
export const MAX_LABELS = 64;

// GCP: keys start with a lowercase letter; keys and values hold lowercase letters (international
// ones too), digits, `_` and `-`, at most 63 characters; values may be empty.
const KEY = /^\p{Ll}[\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;

/** The labels of every child that takes labels; throws naming the first label GCP would refuse. */
export function childLabels(app: string, labels: Readonly<Record<string, string>> = {}): Record<string, string> {
  for (const [key, value] of Object.entries(labels)) {
    if ((FASCIA_LABEL_KEYS as readonly string[]).includes(key))
      throw new Error(`label \`${key}\` is set by Fascia on every resource and cannot be given in \`labels\``);
    if (!KEY.test(key) || key.startsWith("goog"))
      throw new Error(
        `label key \`${key}\` is not a GCP label key (a lowercase letter, then up to 62 lowercase letters, digits, _ or -; not goog…)`,
      );
    if (typeof value !== "string" || !VALUE.test(value))
      throw new Error(`label \`${key}\`: value "${String(value)}" is not a GCP label value (up to 63 lowercase letters, digits, _ or -)`);
  }
  const all = { ...labels, "managed-by": "fascia", "fascia-app": app.slice(0, 63).replace(/-+$/, "") };
  if (Object.keys(all).length > MAX_LABELS)
    throw new Error(
      `${Object.keys(labels).length} labels plus Fascia's ${FASCIA_LABEL_KEYS.length} exceed GCP's ${MAX_LABELS} per resource`,
    );
  return Object.fromEntries(Object.entries(all).sort(([a], [b]) => a.localeCompare(b)));
}
