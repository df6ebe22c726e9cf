import { describe, expect, it } from 'vitest';
import { winAnsi } from './customer-report.pdf.js';

describe('PDF text', () => {
  it('keeps the five languages’ letters, drops marks WinAnsi lacks, and shows "?" for other scripts', () => {
    const text = 'Panadería Ibérica: não cumprida, Störung, disponibilité, ¿qué? — 30 nov. 2026, 00:30 €';
    expect(winAnsi(text)).toBe(text);
    // Ł has no WinAnsi form, ó has, ź loses its mark; the thin space of Intl becomes a space; CJK and emoji: "?".
    expect(winAnsi('Łódź\u202f商店 🍞')).toBe('?ódz ?? ?');
  });
});
