/** The small parts of build/oci with no server behind them: references, challenges, registry errors, credentials. */
import { formatImageRef, parseImageRef, parseRepository } from "../../build/oci/reference";
import { credentialSource, isGoogleRegistry, parseChallenge, tokenUrl } from "../../build/oci/registry-auth";
import { RegistryError, registryErrors } from "../../build/oci/registry-error";

const DIGEST = `sha256:${"ab".repeat(32)}`;

test("a base is a registry image pinned by digest (a tag alongside is kept) or an OCI layout", () => {
  expect(parseImageRef(`gcr.io/distroless/nodejs20-debian12:nonroot@${DIGEST}`)).toEqual({
    kind: "registry",
    registry: "gcr.io",
    repository: "distroless/nodejs20-debian12",
    tag: "nonroot",
    digest: DIGEST,
  });
  expect(parseImageRef(`127.0.0.1:5000/base@${DIGEST}`)).toMatchObject({ registry: "127.0.0.1:5000", repository: "base" });
  expect(parseImageRef(`node@${DIGEST}`)).toMatchObject({ registry: "docker.io", repository: "library/node" });
  expect(parseImageRef("oci:/tmp/layout:base")).toEqual({ kind: "layout", dir: "/tmp/layout", tag: "base" });
  expect(parseImageRef("oci:/tmp/layout")).toEqual({ kind: "layout", dir: "/tmp/layout" });
  expect(formatImageRef(parseImageRef(`gcr.io/a/b:t@${DIGEST}`))).toBe(`gcr.io/a/b:t@${DIGEST}`);
  expect(() => parseImageRef("gcr.io/distroless/nodejs20-debian12:latest")).toThrow(/must be pinned by digest/);
  expect(() => parseImageRef("gcr.io/a/b@sha256:short")).toThrow(/not a sha256 digest/);
  expect(() => parseImageRef(`gcr.io/A/b@${DIGEST}`)).toThrow(/not a repository name/);
});

test("a repository to push to is HOST/PATH, without tag or digest", () => {
  expect(parseRepository("europe-west1-docker.pkg.dev/acme/app-images/executor")).toEqual({
    registry: "europe-west1-docker.pkg.dev",
    repository: "acme/app-images/executor",
  });
  expect(parseRepository("127.0.0.1:5000/app")).toEqual({ registry: "127.0.0.1:5000", repository: "app" });
  expect(() => parseRepository("127.0.0.1:5000/app:v1")).toThrow(/without a tag or digest/);
  expect(() => parseRepository(`gcr.io/app@${DIGEST}`)).toThrow(/without a tag or digest/);
});

test("WWW-Authenticate challenges, with quoted commas, and the token URL asks every scope once", () => {
  const challenge = parseChallenge(
    'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"',
  )!;
  expect(challenge).toEqual({
    scheme: "bearer",
    params: { realm: "https://auth.example/token", service: "registry.example", scope: "repository:a/b:pull,push" },
  });
  expect(parseChallenge('Basic realm="fascia test"')).toEqual({ scheme: "basic", params: { realm: "fascia test" } });
  const url = new URL(tokenUrl(challenge, ["repository:a/b:pull,push", "repository:base:pull"]));
  expect(url.searchParams.get("service")).toBe("registry.example");
  expect(url.searchParams.getAll("scope")).toEqual(["repository:a/b:pull,push", "repository:base:pull"]);
});

test("Google registries get Application Default Credentials; without them, anonymous with the reason kept", async () => {
  expect(["europe-west1-docker.pkg.dev", "gcr.io", "eu.gcr.io"].every(isGoogleRegistry)).toBe(true);
  expect(["registry-1.docker.io", "127.0.0.1:5000", "gcr.io.example.com"].some(isGoogleRegistry)).toBe(false);
  expect(await credentialSource("127.0.0.1:5000", { username: "u", password: "p" })()).toEqual({ username: "u", password: "p" });
  expect(await credentialSource("127.0.0.1:5000")()).toBeUndefined();
  const saved = process.env.GOOGLE_APPLICATION_CREDENTIALS;
  process.env.GOOGLE_APPLICATION_CREDENTIALS = "/nonexistent/fascia-test-adc.json";
  try {
    const source = credentialSource("gcr.io");
    expect(await source()).toBeUndefined();
    expect(source.problem).toMatch(/^no Application Default Credentials for gcr\.io/);
  } finally {
    if (saved === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    else process.env.GOOGLE_APPLICATION_CREDENTIALS = saved;
  }
});

test("a registry's refusal names the request, the status and the registry's error codes", () => {
  const errors = registryErrors(JSON.stringify({ errors: [{ code: "DENIED", message: "requested access to the resource is denied" }] }));
  const error = new RegistryError("PUT", "https://r.example/v2/a/manifests/sha256:x", 403, errors, "putting the manifest");
  expect(error.message).toBe(
    "putting the manifest: PUT https://r.example/v2/a/manifests/sha256:x answered 403 (DENIED: requested access to the resource is denied)",
  );
  expect(error).toMatchObject({ name: "RegistryError", status: 403, method: "PUT", errors: [{ code: "DENIED" }] });
  expect(registryErrors("<html>bad gateway</html>")).toEqual([{ code: "UNKNOWN", message: "<html>bad gateway</html>" }]);
  expect(registryErrors("")).toEqual([]);
});
