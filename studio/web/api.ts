/** The studio's server, as the browser sees it: one function per route of studio/protocol.ts. */
import type { AppSummary, ChangeAnswer, DiffView, Edit, EntityGraph, EntityView, NodeTypeCatalog, SaveAnswer, ToolView } from "../protocol";

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export async function call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = parseJson(text);
  if (!response.ok) {
    const error = parsed && typeof parsed === "object" && "error" in parsed ? String((parsed as { error: unknown }).error) : text;
    throw new ApiError(error || `${response.status} ${response.statusText}`, response.status);
  }
  return parsed as T;
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

const enc = encodeURIComponent;

export const api = {
  app: () => call<AppSummary>("GET", "/api/app"),
  tool: (name: string) => call<ToolView>("GET", `/api/tools/${enc(name)}`),
  entity: (name: string) => call<EntityView>("GET", `/api/entities/${enc(name)}`),
  entityGraph: () => call<EntityGraph>("GET", "/api/entity-graph"),
  nodeTypes: () => call<NodeTypeCatalog>("GET", "/api/node-types"),
  diff: () => call<DiffView>("GET", "/api/diff"),
  edit: (edit: Edit) => call<ChangeAnswer>("POST", "/api/edit", edit),
  undo: () => call<ChangeAnswer>("POST", "/api/undo", {}),
  redo: () => call<ChangeAnswer>("POST", "/api/redo", {}),
  save: () => call<SaveAnswer>("POST", "/api/save", {}),
};
