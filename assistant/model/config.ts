/**
 * Which model the assistant uses, from flags first and the environment second. The key is read
 * from the environment only (a flag would land in shell history and process lists) and kept in
 * memory: nothing here writes it anywhere, and `describeSettings` never shows it.
 */
export type ModelProvider = "openai" | "anthropic";

export interface ModelSettings {
  provider: ModelProvider;
  model: string;
  baseURL?: string;
  apiKey?: string;
  /** Stream the answer (the default) or ask for it whole. */
  stream: boolean;
  /** How many times the SDK retries a 429 (after its retry-after, up to a minute) or a 5xx. */
  maxRetries: number;
  timeoutMs: number;
}

export interface ModelFlags {
  provider?: string;
  model?: string;
  baseUrl?: string;
  stream?: boolean;
}

const DEFAULT_MODEL: Record<ModelProvider, string> = { openai: "gpt-4.1", anthropic: "claude-sonnet-4-5" };

/** Settings from flags and environment; throws a usage message (naming no secret) when they do not fit. */
export function modelSettings(flags: ModelFlags, env: NodeJS.ProcessEnv = process.env): ModelSettings {
  const provider = flags.provider ?? env.FASCIA_MODEL_PROVIDER ?? (env.ANTHROPIC_API_KEY && !env.OPENAI_API_KEY ? "anthropic" : "openai");
  if (provider !== "openai" && provider !== "anthropic") throw new Error(`unknown model provider "${provider}" (openai or anthropic)`);
  const baseURL = flags.baseUrl ?? env.FASCIA_MODEL_BASE_URL;
  if (baseURL !== undefined && !/^https?:\/\//.test(baseURL)) throw new Error(`the model's base URL must be http(s): ${baseURL}`);
  const apiKey = env.FASCIA_MODEL_API_KEY || (provider === "openai" ? env.OPENAI_API_KEY : env.ANTHROPIC_API_KEY) || undefined;
  // A local server (Ollama, vLLM, LM Studio) needs no key; a hosted API does.
  if (apiKey === undefined && baseURL === undefined) {
    throw new Error(`no API key: set ${provider === "openai" ? "OPENAI_API_KEY" : "ANTHROPIC_API_KEY"} or FASCIA_MODEL_API_KEY`);
  }
  return {
    provider,
    model: flags.model ?? env.FASCIA_MODEL ?? DEFAULT_MODEL[provider],
    ...(baseURL !== undefined ? { baseURL } : {}),
    ...(apiKey !== undefined ? { apiKey } : {}),
    stream: flags.stream ?? env.FASCIA_MODEL_STREAM !== "0",
    maxRetries: 2,
    timeoutMs: 120_000,
  };
}

/** The settings as a person may see them: provider, model and endpoint, never the key. */
export function describeSettings(settings: ModelSettings): string {
  return `${settings.provider} ${settings.model}${settings.baseURL !== undefined ? ` at ${settings.baseURL}` : ""}`;
}

/**
 * The options both SDKs take alike. A key is always passed in code: without one an SDK looks for
 * credentials of its own (environment variables, profile files), and a local server needs none.
 * Their debug log would print requests: it is off.
 */
export function sdkOptions(settings: ModelSettings) {
  return {
    apiKey: settings.apiKey ?? "not-needed-by-local-servers",
    ...(settings.baseURL !== undefined ? { baseURL: settings.baseURL } : {}),
    maxRetries: settings.maxRetries,
    timeout: settings.timeoutMs,
    logLevel: "off" as const,
  };
}
