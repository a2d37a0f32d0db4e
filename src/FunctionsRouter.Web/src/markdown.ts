import DOMPurify from "dompurify";
import { Marked } from "marked";

// Model output is untrusted. Raw HTML in it is shown as text (escaped by the renderer), never parsed as markup; the
// HTML that markdown itself produces is then sanitised by DOMPurify as a second line, so a link cannot carry
// `javascript:` and no attribute can carry a handler.
const escapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c]!);
}

const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: {
    html: (token) => escapeHtml(token.text),
  },
});

/** Safe HTML for a (possibly partial) markdown answer. */
export function renderMarkdown(text: string): string {
  const html = marked.parse(text, { async: false });
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true } });
}
