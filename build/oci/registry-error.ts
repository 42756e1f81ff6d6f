/** A registry said no: the request, the HTTP status and the registry's own error codes (distribution spec, "Error Codes"). */
export interface RegistryErrorDetail {
  code: string;
  message?: string;
}

export class RegistryError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly errors: readonly RegistryErrorDetail[],
    /** What was being done, as the user would say it. */
    readonly doing = "",
  ) {
    const codes = errors.map((e) => (e.message ? `${e.code}: ${e.message}` : e.code)).join("; ");
    super(`${doing ? `${doing}: ` : ""}${method} ${url} answered ${status}${codes ? ` (${codes})` : ""}`);
    this.name = "RegistryError";
  }
}

/** The `errors` of a registry's JSON error body, or none when the body is something else. */
export function registryErrors(body: string): RegistryErrorDetail[] {
  try {
    const parsed = JSON.parse(body) as { errors?: unknown };
    if (!Array.isArray(parsed.errors)) return [];
    return parsed.errors
      .filter((e): e is { code: unknown; message?: unknown } => typeof e === "object" && e !== null && "code" in e)
      .map((e) => ({ code: String(e.code), ...(typeof e.message === "string" ? { message: e.message } : {}) }));
  } catch {
    return body.trim() ? [{ code: "UNKNOWN", message: body.trim().slice(0, 200) }] : [];
  }
}
