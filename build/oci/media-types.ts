/** The media types an image is made of (OCI image spec, and Docker's schema 2 that registries still serve). */
export const MEDIA = {
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
} as const;

/** What a manifest GET accepts: an image manifest or an index of them, in either dialect. */
export const MANIFEST_ACCEPT = [MEDIA.ociManifest, MEDIA.ociIndex, MEDIA.dockerManifest, MEDIA.dockerManifestList].join(", ");

export function isIndex(mediaType: string | undefined): boolean {
  return mediaType === MEDIA.ociIndex || mediaType === MEDIA.dockerManifestList;
}

/** The platform an index is resolved to: Cloud Run runs linux/amd64. */
export const PLATFORM = { os: "linux", architecture: "amd64" } as const;

/** The annotation naming an image in an OCI layout's index.json (its tag). */
export const REF_NAME = "org.opencontainers.image.ref.name";
