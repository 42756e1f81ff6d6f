/**
 * The Pulumi program of this folder's Pulumi.yaml (project `fascia-reservations`): the
 * reservations example on GCP, written as a user's program is — it imports the package by name.
 *
 *   cd examples/reservations-stack && pulumi stack init dev
 *   pulumi config set gcp:project my-project
 *   pulumi config set gcp:region europe-west1
 *   pulumi config set --secret PAYMENTS_API_KEY …   (one per secret the specs name)
 *   pulumi up
 *
 * Every setting is in the project's namespace (`fascia-reservations:…`; Pulumi.yaml explains
 * why). See docs/deploy.md for every step and option.
 */
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { FasciaDeployment, secretNames, specsFromDir } from "@fascia/pulumi";

// The project's own namespace: the one Pulumi.yaml may declare types and defaults for.
const config = new pulumi.Config();
const specDir = join(__dirname, "..", "reservations");

// Every secret the specs name must have a secret config value: requireSecret fails with its key.
const secrets = Object.fromEntries(secretNames(specsFromDir(specDir)).map((name) => [name, config.requireSecret(name)]));

const app = new FasciaDeployment("reservations", {
  specDir,
  // Unset (the usual case): the deployment builds the executor image from the specs and pushes it
  // to its own Artifact Registry repository, no Docker needed. Set: an image built elsewhere, by digest.
  image: config.get("image"),
  imageBase: config.get("imageBase"),
  secrets,
  auth: { issuer: config.get("authIssuer"), audience: config.get("authAudience"), jwksUrl: config.get("authJwksUrl") },
  // Who may read the operator API (docs/operator-api.md); unset: role `operator`, verified like `auth`.
  operators: {
    role: config.get("operatorRole"),
    issuer: config.get("operatorAuthIssuer"),
    audience: config.get("operatorAuthAudience"),
    jwksUrl: config.get("operatorAuthJwksUrl"),
  },
  database: {
    tier: config.get("databaseTier") ?? "db-custom-1-3840",
    deletionProtection: config.getBoolean("deletionProtection") ?? true,
    privateNetwork: config.get("privateNetwork"),
    privateSubnetwork: config.get("privateSubnetwork"),
  },
  service: { maxInstances: config.getNumber("maxInstances") ?? 10 },
  // The bucket witnessing the audit log's checkpoints: lock its retention policy in production
  // (irreversible: the period can then never be shortened, nor the bucket deleted before it ends).
  auditWitness: {
    retentionDays: config.getNumber("auditRetentionDays") ?? 400,
    locked: config.getBoolean("auditWitnessLocked") ?? false,
  },
});

export const serviceUrl = app.serviceUrl;
export const endpoints = app.endpoints;
export const riskLevels = app.riskLevels;
export const connectionName = app.connectionName;
export const riskReport = app.riskReport;
export const migrationPlan = app.migrationPlan;
export const planHash = app.planHash;
export const imageRef = app.imageRef;
export const auditWitnessBucket = app.auditWitnessBucket;
