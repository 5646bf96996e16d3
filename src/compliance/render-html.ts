import { createHash } from "node:crypto";
import type { ReportDocument } from "./document.js";

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const style = `body{font-family:"BIZ UDPGothic","Hiragino Sans","Noto Sans JP",sans-serif;margin:2rem;line-height:1.6;color:#1a1a1a}
h1{font-size:1.5rem}h2{font-size:1.2rem;border-bottom:2px solid #333;margin-top:2rem}h3{font-size:1rem;margin:1rem 0 .25rem}
.item{border:1px solid #ccc;border-radius:4px;padding:.5rem 1rem;margin:.5rem 0;break-inside:avoid}
.status{display:inline-block;padding:0 .5rem;border-radius:3px;font-weight:bold;margin-left:.5rem}
.met{background:#d7f5dd}.partial{background:#fff1c2}.not_met{background:#fdd}.unknown{background:#e4e4ee}.user{background:#dde9ff}
dl{display:grid;grid-template-columns:12rem 1fr;gap:.1rem 1rem;margin:.25rem 0}dt{color:#555}dd{margin:0;overflow-wrap:anywhere}
.en{display:none;color:#444}#show-en:checked~main .en{display:revert}#show-en:checked~main .en-inline{display:inline}
pre{white-space:pre-wrap;font-size:.8rem;background:#f6f6f6;padding:.5rem}`;

/**
 * The Content-Security-Policy to serve the page with: no script at all, and only this page's own style block
 * (by hash), so the inline style works under the service's strict policy and nothing else can run.
 */
export const reportHtmlContentSecurityPolicy = `default-src 'none'; style-src 'sha256-${createHash("sha256").update(style).digest("base64")}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

/** Renders a report document as a standalone HTML page: Japanese, with a checkbox that shows the English too. */
export function renderHtml(document: ReportDocument, appendix?: { heading: string; blocks: Array<{ title: string; text: string }> }): string {
  const en = (text: string | undefined, inline = false) => (text ? ` <span lang="en" class="en${inline ? " en-inline" : ""}">/ ${escape(text)}</span>` : "");
  const sections = document.sections
    .map(
      (section) => `<section><h2>${escape(section.heading)}${en(section.headingEn, true)}</h2>
${section.items
  .map(
    (item) => `<div class="item"><h3>${escape(item.title)}${en(item.titleEn, true)}${item.status ? `<span class="status ${item.status.tone}">${escape(item.status.label)}</span>` : ""}</h3>
<dl>${item.fields.map((field) => (field.en ? `<dt class="en">${escape(field.label)}</dt><dd lang="en" class="en">${escape(field.value)}</dd>` : `<dt>${escape(field.label)}</dt><dd>${escape(field.value)}</dd>`)).join("")}</dl></div>`,
  )
  .join("\n")}</section>`,
    )
    .join("\n");
  const extra = appendix
    ? `<section><h2>${escape(appendix.heading)}</h2>${appendix.blocks.map((block) => `<h3>${escape(block.title)}</h3><pre>${escape(block.text)}</pre>`).join("")}</section>`
    : "";
  return `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>${escape(document.title)}</title><style>${style}</style></head>
<body><input type="checkbox" id="show-en"><label for="show-en">English</label>
<main><h1>${escape(document.title)}${en(document.titleEn, true)}</h1>
<dl>${document.preface.map((line) => `<dt>${escape(line.label)}</dt><dd>${escape(line.value)}</dd>`).join("")}</dl>
${sections}
${extra}</main></body></html>
`;
}
