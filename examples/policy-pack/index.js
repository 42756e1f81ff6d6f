// Fascia's CrossGuard policy pack: the policies are the package's own (policy/policies.ts), so the
// pack applies exactly the rule catalogue the components apply — no rule is copied here.
//
//   cd examples/policy-pack && npm install
//   pulumi preview --policy-pack examples/policy-pack   # from any stack using Fascia, in any language
//
// JavaScript, so this folder needs no TypeScript of its own; its package.json (which PolicyPack
// reads its version from) makes it a project of its own, as a published pack is.
const { PolicyPack } = require("@pulumi/policy");
const { fasciaPolicies } = require("@fascia/pulumi/policy");

new PolicyPack("fascia", { enforcementLevel: "mandatory", policies: fasciaPolicies });
