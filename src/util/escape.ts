/**
 * Firmware strings are hostile input (OEM ids, table ids, AML names, _HID strings, file names):
 * wherever numakit renders them as markup they go through these helpers. Control characters
 * (C0, DEL, C1, so also ANSI escape sequences) become visible `\xNN` text, never raw bytes.
 */

/** Control characters other than tab and newline, as `\xNN`. Lone surrogates become U+FFFD. */
export function visibleControls(s: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`)
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}

const HTML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text for an HTML/SVG text node or a quoted attribute value. */
export function escapeHtml(s: string): string {
  return visibleControls(s).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

/**
 * Text for a Markdown table cell or paragraph: Markdown syntax characters are backslash-escaped
 * and HTML is entity-escaped (renderers pass raw HTML through), so a string stays literal text.
 */
export function escapeMarkdown(s: string): string {
  // Markdown punctuation first, then entities (whose "&#39;" must not get a backslash).
  return visibleControls(s).replace(/\n/g, " ").replace(/[\\`*_[\]{}()#+\-.!|~]/g, (c) => `\\${c}`).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}
