/**
 * The CDK app: `npx aws-cdk@2 synth` / `deploy` run it (cdk.json), and so does `npm run synth` without the CDK CLI.
 * Loads the WAF web ACL from waf-webacl.json beside this folder when the file is there.
 */
import { App } from "aws-cdk-lib";
import { MamoriStack } from "../lib/mamori-stack.js";
import { readWebAcl } from "../lib/web-acl-file.js";

const app = new App();
new MamoriStack(app, "Mamori", { webAcl: readWebAcl(new URL("../waf-webacl.json", import.meta.url)), description: "Mamori medical records service (docs/deployment.md)" });
app.synth();
