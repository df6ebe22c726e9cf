/** Escapes text for HTML bodies and attributes: customer names, reasons and links end up in pages and e-mails. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
