/**
 * A GET sent with another machine's name in its Host header, as a DNS-rebinding page's request
 * arrives (fetch cannot set Host): the status the studio answers.
 */
import { request } from "node:http";

export function getWithForeignHost(url: string, host = "evil.example:80"): Promise<number> {
  return new Promise<number>((done, fail) => {
    const target = new URL(url);
    request({ host: target.hostname, port: target.port, path: target.pathname, headers: { host } }, (res) => {
      res.resume();
      done(res.statusCode!);
    })
      .on("error", fail)
      .end();
  });
}
