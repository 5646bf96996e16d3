import { Parser } from "htmlparser2";

/**
 * Elements that run code, load other documents, or take input. FHIR R4 txt-1 limits narrative to basic HTML
 * formatting, links and images, and lets a server refuse active content (https://hl7.org/fhir/R4/narrative.html).
 */
const activeElements = new Set([
  "script", "iframe", "frame", "frameset", "object", "embed", "applet", "style", "form", "input", "button", "textarea",
  "select", "link", "meta", "base", "svg", "math", "template",
]);

/** Schemes that run code when followed or loaded. */
const activeSchemes = ["javascript", "vbscript", "livescript"].map((scheme) => `${scheme}:`);

/** Inline images of raster formats are the only data: URLs narrative needs (an svg image could carry script). */
const inertDataUrl = /^data:image\/(?:png|gif|jpeg|webp|bmp)[;,]/;

/**
 * What makes a narrative div active, or undefined when it is only formatting, links and images. Parsed as HTML (not
 * XML) because browsers render it that way, with entities decoded, so `java&#115;cript:` is seen for what it is.
 */
export function activeContentIn(div: string): string | undefined {
  let found: string | undefined;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (found) return;
        if (activeElements.has(name)) {
          found = `${name} element`;
          return;
        }
        for (const [attribute, value] of Object.entries(attributes)) {
          const problem = activeAttribute(attribute, value);
          if (problem) {
            found = problem;
            return;
          }
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true },
  );
  parser.write(div);
  parser.end();
  return found;
}

function activeAttribute(attribute: string, value: string): string | undefined {
  if (attribute.startsWith("on")) return `${attribute} event handler attribute`;
  // Browsers ignore ASCII whitespace and control characters inside a URL's scheme ("java\tscript:").
  const compact = [...value].filter((char) => char > " " && char !== "\u007f").join("").toLowerCase();
  if (activeSchemes.some((scheme) => compact.startsWith(scheme) || (attribute === "style" && compact.includes(scheme)))) return `script URL in ${attribute}`;
  if (compact.startsWith("data:") && !inertDataUrl.test(compact)) return `data URL in ${attribute}`;
  if (attribute === "style" && (compact.includes("expression(") || compact.includes("url("))) return "style loading content";
  return undefined;
}

/** The narratives of a resource and of its contained resources, with their FHIRPath. */
export function narrativesOf(type: string, resource: Record<string, unknown>): Array<{ expression: string; div: string }> {
  const found: Array<{ expression: string; div: string }> = [];
  const divOf = (candidate: unknown) => {
    const text = typeof candidate === "object" && candidate !== null ? (candidate as { text?: unknown }).text : undefined;
    const div = typeof text === "object" && text !== null ? (text as { div?: unknown }).div : undefined;
    return typeof div === "string" ? div : undefined;
  };
  const own = divOf(resource);
  if (own !== undefined) found.push({ expression: `${type}.text.div`, div: own });
  if (Array.isArray(resource["contained"])) {
    resource["contained"].forEach((contained: unknown, index) => {
      const div = divOf(contained);
      if (div !== undefined) found.push({ expression: `${type}.contained[${index}].text.div`, div });
    });
  }
  return found;
}
