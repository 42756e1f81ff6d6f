/**
 * The studio's HTTP server: the routes of studio/protocol.ts over one StudioSession, the Console's
 * read-only proxy to an executor's operator API, and the built browser app's files, on loopback only
 * (the studio reads and writes the app's folder and holds an operator token: it is never offered to
 * the network).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, extname, join, resolve, sep } from "node:path";
import Fastify, { type FastifyReply } from "fastify";
import { loadSpecDir } from "../loader/load";
import type { StudioAssistant } from "./chat/assistant";
import { ChatConversation, ChatRefusal } from "./chat/conversation";
import { registerChatRoutes } from "./chat/routes";
import { DEFAULT_EXECUTOR, registerConsoleProxy } from "./console-proxy";
import { localOperatorToken } from "./console-token";
import { AppDocuments } from "./documents";
import { EditError } from "./edits";
import type { Edit } from "./protocol";
import { StudioSession } from "./session";

export interface StudioOptions {
  /** The app's folder. */
  dir: string;
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** An earlier version of the app: GET /api/diff compares against it. */
  from?: string;
  /** The built browser app (index.html, app.js, app.css); default the package's dist/studio-web. */
  assetsDir?: string;
  /** The executor whose operator API the Console reads; default `fascia dev`'s, with a token minted from the app's local keys. */
  console?: ConsoleOptions;
  /** The chat's assistant (`fascia studio --provider --model`, or the environment); without it the chat says how to configure one. */
  assistant?: StudioAssistant;
}

export interface ConsoleOptions {
  /** Base URL; default http://127.0.0.1:8080. */
  executor?: string;
  /** A bearer token with the executor's operator role; without it, one minted from `<dir>/.fascia`'s local keys. */
  token?: string;
}

export interface Studio {
  url: string;
  session: StudioSession;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
};

/** dist/studio-web: beside this module's folder when it runs from dist/studio/, under dist/ from the sources. */
export function defaultAssetsDir(): string {
  const parent = resolve(__dirname, "..");
  return basename(parent) === "dist" ? join(parent, "studio-web") : join(parent, "dist", "studio-web");
}

export async function startStudio(options: StudioOptions): Promise<Studio> {
  const previous = options.from !== undefined ? { dir: options.from, load: loadSpecDir(options.from) } : undefined;
  const session = new StudioSession(AppDocuments.read(options.dir), previous);
  const assets = resolve(options.assetsDir ?? defaultAssetsDir());
  const server = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });

  const refuse = (reply: FastifyReply, status: number, error: string) => reply.code(status).send({ error });
  server.setErrorHandler((error, _request, reply) => {
    if (error instanceof EditError) return refuse(reply, 400, error.message);
    if (error instanceof ChatRefusal) return refuse(reply, error.status, error.message);
    const { statusCode, message } = error as { statusCode?: number; message?: string };
    if (statusCode && statusCode >= 400 && statusCode < 500) return refuse(reply, statusCode, message ?? "bad request");
    return refuse(reply, 500, `internal error: ${message ?? String(error)}`);
  });

  // A web page the user has open elsewhere can send requests to loopback too. A changing request must
  // be JSON (a form or a plain cross-site request cannot be, without a CORS preflight this server never
  // allows), and the Host must be this machine's (against DNS rebinding).
  const hosts = new Set(["127.0.0.1", "localhost", "[::1]", options.host ?? "127.0.0.1"]);
  server.addHook("onRequest", async (request, reply) => {
    const host = (request.headers.host ?? "").replace(/:\d+$/, "");
    if (!hosts.has(host)) return refuse(reply, 403, `the studio answers only on this machine, not for host "${host}"`);
    if (request.method === "POST" && !/^application\/json\b/.test(request.headers["content-type"] ?? "")) {
      return refuse(reply, 415, "a POST to the studio must be JSON (content-type: application/json)");
    }
  });

  server.get("/api/app", async () => session.summary());
  server.get<{ Params: { name: string } }>("/api/tools/:name", async (request, reply) => {
    return session.tool(request.params.name) ?? refuse(reply, 404, `no tool "${request.params.name}"`);
  });
  server.get<{ Params: { name: string } }>("/api/entities/:name", async (request, reply) => {
    return session.entity(request.params.name) ?? refuse(reply, 404, `no entity "${request.params.name}"`);
  });
  server.get("/api/entity-graph", async () => session.entityGraph());
  server.get("/api/node-types", async () => session.nodeTypes());
  server.get("/api/diff", async (_request, reply) => session.diff() ?? refuse(reply, 404, "the studio was not started with --from DIR"));
  server.post<{ Body: Edit }>("/api/edit", async (request) => session.edit(request.body));
  server.post("/api/undo", async () => session.undo());
  server.post("/api/redo", async () => session.redo());
  server.post("/api/save", async () => session.save());
  registerChatRoutes(server, new ChatConversation(session, options.assistant));
  const given = options.console?.token;
  registerConsoleProxy(server, {
    executor: options.console?.executor ?? DEFAULT_EXECUTOR,
    token: given !== undefined ? async () => given : localOperatorToken(options.dir),
    tokenSource: given !== undefined ? "given" : "local",
  });
  server.setNotFoundHandler((request, reply) => refuse(reply, 404, `no route ${request.method} ${request.url}`));
  server.get("/api/*", async (request, reply) => refuse(reply, 404, `no route GET ${request.url}`));

  server.get("/*", async (request, reply) => {
    const path = decodeURIComponent(request.url.split("?")[0]!);
    const file = resolve(assets, `.${path === "/" ? "/index.html" : path}`);
    if (!file.startsWith(assets + sep) || !existsSync(file) || !statSync(file).isFile()) {
      return refuse(reply, 404, existsSync(assets) ? `no file ${path}` : `the browser app is not built (${assets}): npm run build`);
    }
    return reply
      .type(TYPES[extname(file)] ?? "application/octet-stream")
      .header("cache-control", "no-store")
      .send(readFileSync(file));
  });

  const address = await server.listen({ port: options.port, host: options.host ?? "127.0.0.1" });
  return { url: address, session, close: () => server.close() };
}
