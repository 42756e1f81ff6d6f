/**
 * Property tests explore new random cases on developers' machines, but a CI run is reproducible:
 * with CI set, every fast-check property uses one fixed seed (FC_SEED overrides, e.g. to replay a
 * failure or to let CI explore). A test that passes its own `seed` keeps it.
 */
import fc from "fast-check";

const seed = process.env.FC_SEED ?? (process.env.CI ? "20261124" : undefined);
if (seed !== undefined) fc.configureGlobal({ seed: Number(seed) });
