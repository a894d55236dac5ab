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

/** Text shown inside one line of terminal output (a file name, a firmware string): control characters, tab and newline included, as `\xNN`. */
export function oneLineText(s: string): string {
  return visibleControls(s).replace(/[\t\n]/g, (c) => `\\x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

/**
 * Text shown inside a one-line C comment (decode's header line, as iasl -d starts its output):
 * oneLineText, and a star followed by a slash, which would end the comment early (a file named
 * `a*` + `/SRAT`), gets a backslash between them, `*\/`, so the line stays one comment.
 */
export function commentText(s: string): string {
  return oneLineText(s).replaceAll("*/", "*\\/");
}

const HTML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text for an HTML/SVG text node or a quoted attribute value. */
export function escapeHtml(s: string): string {
  return visibleControls(s).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

/**
 * Text for a Markdown table cell or list item: the characters that start inline markup (emphasis,
 * code, links, images, strikethrough, table pipes, escapes) are backslash-escaped, a leading one
 * that would start a block (heading, list, quote) too, and `<`, `>`, `&` become entities because
 * renderers pass raw HTML through. So a firmware string stays literal text.
 */
export function escapeMarkdown(s: string): string {
  return visibleControls(s).replace(/[\r\n]+/g, " ")
    .replace(/[\\`*_[\]|~!]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([#+\-=])/, "$1\\$2").replace(/^(\s*\d{1,9})([.)])(?=\s|$)/, "$1\\$2")
    .replace(/[&<>]/g, (c) => HTML_ENTITIES[c] ?? c);
}
