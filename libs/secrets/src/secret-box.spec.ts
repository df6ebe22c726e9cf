import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.js';

describe('SecretBox (AES-256-GCM)', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed, and never yields the same ciphertext twice', () => {
    const a = box.seal('-----BEGIN OPENSSH PRIVATE KEY-----', 'ssh_credentials:1');
    const b = box.seal('-----BEGIN OPENSSH PRIVATE KEY-----', 'ssh_credentials:1');
    expect(a).not.toBe(b);
    expect(a).not.toContain('PRIVATE');
    expect(box.open(a, 'ssh_credentials:1')).toBe('-----BEGIN OPENSSH PRIVATE KEY-----');
  });

  it('refuses a value moved to another row, a tampered value, and another key', () => {
    const sealed = box.seal('secret', 'ssh_credentials:1');
    expect(() => box.open(sealed, 'ssh_credentials:2')).toThrow();
    const parts = sealed.split(':');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join(':'), 'ssh_credentials:1')).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'ssh_credentials:1')).toThrow();
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe('SecretBox.deriveKey', () => {
  it('gives one stable 32-byte key per purpose, different from the others', () => {
    const box = new SecretBox(randomBytes(32));
    expect(box.deriveKey('a')).toHaveLength(32);
    expect(box.deriveKey('a').equals(box.deriveKey('a'))).toBe(true);
    expect(box.deriveKey('a').equals(box.deriveKey('b'))).toBe(false);
  });
});
