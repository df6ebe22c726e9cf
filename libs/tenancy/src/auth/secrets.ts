import { createHash, randomBytes } from 'node:crypto';

/**
 * Bearer secrets are 256 random bits, so a fast SHA-256 is enough to store them (a slow hash protects guessable
 * passwords, not random tokens) and lets the lookup be one indexed equality.
 */
export function newSecret(kind: 'vgs' | 'vgt'): { token: string; hash: string; prefix: string } {
  const token = `${kind}_${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashSecret(token), prefix: token.slice(0, 10) };
}

export function hashSecret(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
