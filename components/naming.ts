/**
 * Names of children. Pulumi logical names are the component's name plus a fixed part, so two
 * deployments in one stack never collide and a child's identity never depends on display order.
 * GCP ids (service accounts, secrets, jobs) have their own alphabets and lengths: `boundedId`
 * fits a base and a suffix into them, keeping distinct bases distinct with a short hash when it
 * has to cut. Pure: no Pulumi imports.
 */
import { createHash } from "node:crypto";

/** The logical name of a child: `<component>-<part>`. */
export function childName(component: string, part: string): string {
  return `${component}-${part}`;
}

/** Lowercase letters, digits and single hyphens, starting with a letter: what most GCP ids accept. */
export function slug(text: string): string {
  const cleaned = text
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (cleaned === "") return "f";
  return /^[a-z]/.test(cleaned) ? cleaned : `f-${cleaned}`;
}

export function shortHash(text: string, length = 6): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

export interface IdRule {
  /** Longest id the API accepts. */
  maxLength: number;
  /** Shortest id the API accepts (service accounts need 6). */
  minLength?: number;
}

/**
 * `<slug(base)>-<suffix>` within `rule.maxLength`. When it does not fit, the base is cut and a
 * hash of the whole base is added, so two long bases that share a prefix still get distinct ids.
 */
export function boundedId(base: string, suffix: string, rule: IdRule): string {
  const head = slug(base);
  const tail = slug(suffix).replace(/^f-/, "");
  let id = `${head}-${tail}`;
  if (id.length > rule.maxLength) {
    const hash = shortHash(base);
    const room = rule.maxLength - tail.length - hash.length - 2;
    if (room < 1) throw new Error(`the id suffix \`${suffix}\` leaves no room for a name within ${rule.maxLength} characters`);
    id = `${head.slice(0, room).replace(/-+$/, "")}-${hash}-${tail}`;
  }
  const short = (rule.minLength ?? 1) - id.length;
  // Too short (service accounts need 6): lengthen the base, so the suffix stays last.
  return short > 0 ? `${head}${"x".repeat(short)}-${tail}` : id;
}

/** GCP service account ids: 6–30 characters, `[a-z]([-a-z0-9]*[a-z0-9])`. */
export const SERVICE_ACCOUNT_ID: IdRule = { maxLength: 30, minLength: 6 };
/** Cloud Run job names leave room for the execution token (name + token < 63). */
export const MIGRATION_JOB_ID: IdRule = { maxLength: 40 };
/** Secret Manager ids allow up to 255; kept short so they read well in the console. */
export const SECRET_ID: IdRule = { maxLength: 60 };
/** Artifact Registry repository ids: up to 63. */
export const REPOSITORY_ID: IdRule = { maxLength: 63 };
/**
 * Cloud Run service names: up to 49. The deterministic URL's first label, `<name>-<project
 * number>`, must also fit in 63 (urls.ts), which 49 and a 12-digit project number do.
 */
export const CLOUD_RUN_SERVICE_ID: IdRule = { maxLength: 49 };
/** Cloud Scheduler job names. */
export const SCHEDULER_JOB_ID: IdRule = { maxLength: 100 };

/**
 * Cloud Storage bucket names: 3–63 characters (without dots), one namespace for every project in
 * the world. The audit witness's bucket is named `<project>-<app>-audit`: a project id is globally
 * unique, and an app's name within its project (like its service's and secrets'). Cloud Storage
 * refuses names containing "google": an app called so gets "ggl" there instead.
 */
export const BUCKET_ID: IdRule = { maxLength: 63, minLength: 3 };

export function witnessBucketName(project: string, base: string): string {
  return boundedId(`${project}-${slug(base)}`.replace(/google/g, "ggl"), "audit", BUCKET_ID);
}

/** PostgreSQL identifiers: lowercase, underscores, at most 63 bytes. */
export function pgIdentifier(text: string): string {
  const id = slug(text).replace(/-/g, "_");
  return id.length <= 63 ? id : `${id.slice(0, 56)}_${shortHash(text)}`;
}

/**
 * The secret id of a spec secret: `<base>--<NAME>`. Secret Manager ids accept the spec's
 * UPPER_SNAKE names as they are, so distinct names stay distinct; the double hyphen keeps them
 * apart from the deployment's own secrets (`<base>-db-password`).
 */
export function specSecretId(base: string, secretName: string): string {
  return `${slug(base).slice(0, 40).replace(/-+$/, "")}--${secretName}`;
}
