/**
 * Image references: the base (`REGISTRY/REPO[:TAG]@sha256:…`, or `oci:DIR[:TAG]`, an OCI image
 * layout on disk) and the repository an image is pushed to (`HOST/PATH`). A base given by tag
 * alone is refused: a tag moves, and the image's digest must depend only on its inputs.
 */
import { isDigest } from "./descriptor";

/** An image in a registry, pinned by digest. */
export interface RegistryImageRef {
  kind: "registry";
  /** `host[:port]` as written, e.g. `gcr.io`, `127.0.0.1:5000`. */
  registry: string;
  /** The repository's path in the registry, e.g. `distroless/nodejs20-debian12`. */
  repository: string;
  tag?: string;
  digest: string;
}

/** An image in an OCI image layout on disk. */
export interface LayoutImageRef {
  kind: "layout";
  dir: string;
  /** Its `org.opencontainers.image.ref.name` in index.json; needed when the layout holds several images. */
  tag?: string;
}

export type ImageRef = RegistryImageRef | LayoutImageRef;

/** A repository in a registry, where an image is pushed. */
export interface RepositoryRef {
  registry: string;
  repository: string;
}

export class ImageReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImageReferenceError";
  }
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/** Docker's rule: the first component is a registry when it has a dot or a port, or is localhost. */
function splitRegistry(name: string): { registry: string; repository: string } {
  const slash = name.indexOf("/");
  const first = slash < 0 ? "" : name.slice(0, slash);
  if (first && (first.includes(".") || first.includes(":") || first === "localhost"))
    return { registry: first, repository: name.slice(slash + 1) };
  return { registry: "docker.io", repository: name.includes("/") ? name : `library/${name}` };
}

function checkRepository(repository: string, text: string): void {
  if (!repository || !repository.split("/").every((c) => PATH_COMPONENT.test(c)))
    throw new ImageReferenceError(`${text}: "${repository}" is not a repository name (lower-case components separated by /)`);
}

export function parseRepository(text: string): RepositoryRef {
  if (/[@]/.test(text) || /:[^/]*$/.test(text.slice(text.indexOf("/") + 1)))
    throw new ImageReferenceError(`${text}: a repository to push to is HOST/PATH, without a tag or digest`);
  const ref = splitRegistry(text);
  checkRepository(ref.repository, text);
  return ref;
}

export function parseImageRef(text: string): ImageRef {
  if (text.startsWith("oci:")) {
    const rest = text.slice(4);
    const colon = rest.lastIndexOf(":");
    // DIR:TAG, unless what follows the last colon is a path (a Windows drive or a folder name with a colon).
    if (colon > 0 && TAG.test(rest.slice(colon + 1))) return { kind: "layout", dir: rest.slice(0, colon), tag: rest.slice(colon + 1) };
    if (!rest) throw new ImageReferenceError(`${text}: an OCI layout reference is oci:DIR[:TAG]`);
    return { kind: "layout", dir: rest };
  }
  const at = text.indexOf("@");
  if (at < 0)
    throw new ImageReferenceError(
      `${text}: the base image must be pinned by digest (REGISTRY/REPO[:TAG]@sha256:…): a tag moves, and the image built on it must not`,
    );
  const digest = text.slice(at + 1);
  if (!isDigest(digest))
    throw new ImageReferenceError(`${text}: "${digest}" is not a sha256 digest (sha256: and 64 lower-case hex digits)`);
  let name = text.slice(0, at);
  let tag: string | undefined;
  const lastSlash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
    if (!TAG.test(tag)) throw new ImageReferenceError(`${text}: "${tag}" is not a tag`);
  }
  const { registry, repository } = splitRegistry(name);
  checkRepository(repository, text);
  return { kind: "registry", registry, repository, ...(tag ? { tag } : {}), digest };
}

/** The host an API call goes to: Docker Hub's name is not its API host. */
export function apiHost(registry: string): string {
  return registry === "docker.io" ? "registry-1.docker.io" : registry;
}

export function formatImageRef(ref: ImageRef): string {
  if (ref.kind === "layout") return `oci:${ref.dir}${ref.tag ? `:${ref.tag}` : ""}`;
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ""}@${ref.digest}`;
}
