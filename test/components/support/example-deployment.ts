/** examples/reservations as its stack deploys it (project acme-prod, europe-west1, bearer auth), for tests under Pulumi mocks. */
import * as pulumi from "@pulumi/pulumi";
import { FasciaDeployment } from "../../../components/fascia-deployment";

export function exampleDeployment(image: string, secrets: Readonly<Record<string, string>>): FasciaDeployment {
  return new FasciaDeployment("reservations", {
    specDir: "examples/reservations",
    image,
    project: "acme-prod",
    region: "europe-west1",
    secrets: Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, pulumi.secret(v)])),
    auth: { issuer: "https://auth.acme.example", audience: "reservations-api", jwksUrl: "https://auth.acme.example/.well-known/jwks.json" },
  });
}
