"""The reservations example on Google Cloud from Python, through Fascia's component provider.

    cd examples/python && pulumi stack init dev
    pulumi package add ../../pulumi-plugin   # generates pulumi_fascia from the plugin's schema
    pulumi config set gcp:project my-project && pulumi config set gcp:region europe-west1
    pulumi config set --secret PAYMENTS_API_KEY …   (one per secret the specs name)
    pulumi up
"""

import os

import pulumi
import pulumi_fascia as fascia

config = pulumi.Config()

# The plugin runs in its own directory: give the spec directory as an absolute path.
spec_dir = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "reservations"))

# The secrets the specs name (`npx fascia plan ../reservations` lists them); a missing or unknown
# name fails the preview. Each value stays a secret: it reaches Secret Manager, never plain text.
SECRET_NAMES = ["OPS_WEBHOOK_TOKEN", "PAYMENTS_API_KEY", "PAYMENTS_WEBHOOK_SECRET"]

app = fascia.FasciaDeployment(
    "reservations",
    spec_dir=spec_dir,
    image=config.get("image"),
    secrets={name: config.require_secret(name) for name in SECRET_NAMES},
    auth={
        "issuer": config.get("authIssuer") or "https://accounts.google.com",
        "audience": config.get("authAudience") or "reservations",
        "jwks_url": config.get("authJwksUrl") or "https://www.googleapis.com/oauth2/v3/certs",
    },
    database={"tier": config.get("databaseTier") or "db-custom-1-3840"},
    service={"max_instances": config.get_int("maxInstances") or 10},
)

pulumi.export("serviceUrl", app.service_url)
pulumi.export("endpoints", app.endpoints)
pulumi.export("riskLevels", app.risk_levels)
pulumi.export("planHash", app.plan_hash)
pulumi.export("imageRef", app.image_ref)
