/** The adapter for the settings' provider: the one place that knows both. */
import { anthropicClient } from "./anthropic";
import type { ModelClient } from "./client";
import type { ModelSettings } from "./config";
import { openaiClient } from "./openai";

export function createModelClient(settings: ModelSettings): ModelClient {
  return settings.provider === "anthropic" ? anthropicClient(settings) : openaiClient(settings);
}
