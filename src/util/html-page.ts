/**
 * A self-contained HTML document: inline CSS and script only, and a Content-Security-Policy that
 * forbids everything else (no network, no other script, no other style). The policy names the
 * script and style by hash, so even markup that slipped past escaping could not run or load
 * anything. Readable without JavaScript: the script only adds interaction.
 */
import { createHash } from "node:crypto";
import { escapeHtml } from "./escape.js";

const sha256 = (s: string): string => `'sha256-${createHash("sha256").update(s, "utf8").digest("base64")}'`;

export interface HtmlPage {
  title: string;
  css: string;
  /** Inline script (optional); it runs after the body is parsed. */
  script?: string;
  body: string;
}

export function htmlDocument(p: HtmlPage): string {
  const script = p.script ?? "";
  const csp = [
    "default-src 'none'",
    `style-src ${sha256(p.css)}`,
    script === "" ? "script-src 'none'" : `script-src ${sha256(script)}`,
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(p.title)}</title>`,
    `<style>${p.css}</style>`,
    "</head>",
    "<body>",
    p.body,
    script === "" ? "" : `<script>${script}</script>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
