import { existsSync, readFileSync } from "node:fs";
import type { WebAclResource } from "./mamori-stack.js";

/**
 * The AWS::WAFv2::WebACL resource in `file` (a CloudFormation resource: Type and Properties), or undefined when the
 * file does not exist, in which case the stack asks for an existing web ACL's ARN instead.
 * @throws {Error} when the file exists but holds something else, or a web ACL that is not REGIONAL (an ALB's scope).
 */
export function readWebAcl(file: URL): WebAclResource | undefined {
  if (!existsSync(file)) return undefined;
  const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<WebAclResource> & Record<string, unknown>;
  // The file may hold the resource itself, a template fragment with one resource in it, or the resource under its
  // logical id (deploy/aws/waf-webacl.json: { "MamoriEdgeWebACL": { "Type": …, "Properties": … } }).
  const resources = (parsed["Resources"] as Record<string, Partial<WebAclResource>> | undefined) ?? (parsed as Record<string, Partial<WebAclResource>>);
  const resource = parsed.Type ? parsed : (Object.values(resources).find((candidate) => typeof candidate === "object" && candidate !== null && "Type" in candidate) ?? {});
  if (resource.Type !== "AWS::WAFv2::WebACL" || typeof resource.Properties !== "object" || resource.Properties === null) {
    throw new Error(`${file.pathname} holds no AWS::WAFv2::WebACL resource`);
  }
  if (resource.Properties["Scope"] !== "REGIONAL") throw new Error(`${file.pathname}: an Application Load Balancer needs Scope REGIONAL`);
  return { Type: resource.Type, Properties: resource.Properties };
}
