/** examples/reservations as its stack deploys it (project acme-prod, europe-west1, bearer auth), for tests under Pulumi mocks. */
import * as pulumi from "@pulumi/pulumi";
import { FasciaDeployment } from "../../../components/fascia-deployment";
import type { FasciaDeploymentArgs } from "../../../components/deployment-args";

/** `image` given, or `{ imageBase }`: the deployment builds the image on that base. */
export function exampleDeployment(image: string | { imageBase: string }, secrets: Readonly<Record<string, string>>): FasciaDeployment {
  const imageArgs: Partial<FasciaDeploymentArgs> = typeof image === "string" ? { image } : { imageBase: image.imageBase };
  return new FasciaDeployment("reservations", {
    specDir: "examples/reservations",
    ...imageArgs,
    project: "acme-prod",
    region: "europe-west1",
    secrets: Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, pulumi.secret(v)])),
    auth: { issuer: "https://auth.acme.example", audience: "reservations-api", jwksUrl: "https://auth.acme.example/.well-known/jwks.json" },
  });
}
