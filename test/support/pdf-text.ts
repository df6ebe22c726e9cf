import { inflateSync } from 'node:zlib';

/**
 * The text of a PDF written by pdfkit with its standard fonts: every content stream inflated (FlateDecode) and the
 * strings of its TJ operators decoded (WinAnsi, which is Latin-1 for the letters the five languages use), as one line
 * with single spaces. Enough to prove what a customer reads; not a general PDF parser.
 */
export function pdfText(pdf: Buffer): string {
  const lines: string[] = [];
  for (const content of pdfStreams(pdf)) {
    for (const tj of content.matchAll(/\[((?:<[0-9a-fA-F]*>|[-\d.\s])*)\]\s*TJ/g)) {
      const text = [...tj[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join('');
      lines.push(text);
    }
  }
  // Lines wrapped by the layout are joined back: the text reads as one run with single spaces.
  return lines.join(' ').replace(/\s+/g, ' ');
}

/** Every stream of the PDF, inflated when it is deflated. */
function pdfStreams(pdf: Buffer): string[] {
  return [...pdf.toString('latin1').matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)].map((match) => {
    const body = Buffer.from(match[1]!, 'latin1');
    try {
      return inflateSync(body).toString('latin1');
    } catch {
      return body.toString('latin1');
    }
  });
}

/** The drawing operators of every stream, to count what was drawn. */
export function pdfContent(pdf: Buffer): string {
  return pdfStreams(pdf).join('\n');
}

/** The smallest valid PNG (1×1 pixel): a logo pdfkit and browsers can decode. */
export const TINY_PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
