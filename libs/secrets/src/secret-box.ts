import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Encryption at rest for secrets kept in PostgreSQL (SSH private keys, later channel tokens): AES-256-GCM with a
 * random 96-bit IV per value; the key id is part of the output so keys can be rotated later without guessing.
 * Format: `v1:<iv>:<tag>:<ciphertext>` (base64url).
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('the master key must be 32 bytes');
    this.key = key;
  }

  /** A key for one purpose (HKDF-SHA256 of the master key), so the master key itself signs nothing else. */
  deriveKey(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), purpose, 32));
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    // The context (e.g. "ssh_credentials:<id>") is authenticated: a value copied to another row will not open.
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join(':');
  }

  open(sealed: string, context: string): string {
    const [version, iv, tag, body] = sealed.split(':');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/**
 * The box an agent's assignment is sealed in: a key derived from the agent's vantage token (which the API sees only
 * during the agent's handshake and never stores) and its vantage id. Only that agent opens what is sealed for it.
 */
export function agentSecretBox(token: string, vantageId: string): SecretBox {
  return new SecretBox(Buffer.from(hkdfSync('sha256', Buffer.from(token), Buffer.from(vantageId), 'vigia agent assignment v1', 32)));
}
