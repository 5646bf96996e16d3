import { tryGetDataType } from "@medplum/core";

/**
 * Elements holding more than one alternative of a choice element (`valueString` beside `valueBoolean`), at any
 * depth, as FHIRPath. FHIR R4 JSON allows one (https://hl7.org/fhir/R4/formats.html#choice); @medplum/core only
 * warns, without the element's path. Walks the resource with the type definitions the structure checker indexed,
 * so it must run after {@link ./structure-check.ts} has been created.
 */
export function conflictingChoices(resource: Record<string, unknown>, type: string): string[] {
  const found: string[] = [];
  visit(resource, type, type, found);
  return found;
}

function visit(value: Record<string, unknown>, typeName: string, path: string, found: string[]): void {
  const definition = tryGetDataType(typeName === "Resource" ? String(value["resourceType"]) : typeName);
  if (!definition) return;
  for (const [name, element] of Object.entries(definition.elements)) {
    const alternatives = name.endsWith("[x]")
      ? element.type.map((candidate) => ({ key: name.slice(0, -3) + candidate.code.charAt(0).toUpperCase() + candidate.code.slice(1), code: candidate.code }))
      : [{ key: name, code: element.type[0]?.code ?? "" }];
    const present = alternatives.filter((alternative) => value[alternative.key] !== undefined);
    if (present.length > 1) found.push(...present.map((alternative) => `${path}.${alternative.key}`));
    for (const { key, code } of present) {
      const child = value[key];
      if (Array.isArray(child)) child.forEach((item, index) => visitObject(item, code, `${path}.${key}[${index}]`, found));
      else visitObject(child, code, `${path}.${key}`, found);
    }
  }
}

function visitObject(value: unknown, typeName: string, path: string, found: string[]): void {
  // Primitives (lower-case type codes) hold no choices; their `_element` siblings are Elements with extensions only.
  if (typeof value === "object" && value !== null && !Array.isArray(value) && /^[A-Z]/.test(typeName)) visit(value as Record<string, unknown>, typeName, path, found);
}
