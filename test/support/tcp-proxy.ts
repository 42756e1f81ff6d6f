/**
 * A TCP proxy on loopback between a client (a pg pool) and a server (PostgreSQL): it records each
 * chunk with its direction and when it passed, and can cut a connection at a chosen chunk, the
 * way a network fault or a dying load balancer would.
 */
import { connect, createServer, type AddressInfo, type Socket } from "node:net";

export interface ProxyChunk {
  toServer: boolean;
  at: number;
  data: string;
}

/** What to do with a client chunk once `cut` matched it: send it on first, or drop it. */
export type CutMode = "after-forwarding" | "before-forwarding";

export interface TcpProxy {
  readonly port: number;
  readonly chunks: ProxyChunk[];
  /**
   * Arms a one-time cut: the first client chunk for which `match` is true is forwarded (or not),
   * then the client's side of that connection is destroyed. The server's side stays open for
   * `serverGraceMs` (so the server can finish what it received), then it is closed too.
   * Resolves when the cut has happened.
   */
  cut(match: (chunk: string) => boolean, mode: CutMode, serverGraceMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface TcpProxyOptions {
  /** Holds each of the server's chunks back this long before the client gets it (recorded on arrival): a far server. */
  answerDelayMs?: number;
}

export async function startTcpProxy(target: { host: string; port: number }, options: TcpProxyOptions = {}): Promise<TcpProxy> {
  const answerDelayMs = options.answerDelayMs ?? 0;
  // Every answer held back the same time, so they still reach the client in order.
  const toClient = (send: () => void) => (answerDelayMs > 0 ? void setTimeout(send, answerDelayMs) : send());
  const chunks: ProxyChunk[] = [];
  const sockets = new Set<Socket>();
  let armed: { match: (chunk: string) => boolean; mode: CutMode; graceMs: number; done: () => void } | null = null;

  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => undefined);
    }
    client.on("data", (data) => {
      const text = data.toString("latin1");
      chunks.push({ toServer: true, at: performance.now(), data: text });
      const cut = armed && armed.match(text) ? armed : null;
      if (cut) armed = null;
      if (!cut || cut.mode === "after-forwarding") upstream.write(data);
      if (cut) {
        client.destroy();
        setTimeout(() => upstream.destroy(), cut.graceMs).unref();
        cut.done();
      }
    });
    upstream.on("data", (data) => {
      chunks.push({ toServer: false, at: performance.now(), data: data.toString("latin1") });
      toClient(() => client.destroyed || client.write(data));
    });
    client.on("end", () => upstream.end());
    upstream.on("end", () => toClient(() => client.end()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

  return {
    port: (server.address() as AddressInfo).port,
    chunks,
    cut: (match, mode, serverGraceMs = 500) =>
      new Promise<void>((resolve) => (armed = { match, mode, graceMs: serverGraceMs, done: resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** `url` with its host and port replaced by the proxy's. */
export function throughProxy(url: string, proxy: TcpProxy): string {
  const u = new URL(url);
  u.host = `127.0.0.1:${proxy.port}`;
  return u.toString();
}
