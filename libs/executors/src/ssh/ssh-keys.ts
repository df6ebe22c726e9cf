import ssh2 from 'ssh2';
import { fingerprint } from './ssh.client.js';

/** Parses a private key the way the SSH client will, or says why not; returns its public key and fingerprint. */
export function inspectPrivateKey(pem: string, passphrase?: string): { publicKey: string; fingerprint: string } {
  const parsed = ssh2.utils.parseKey(pem, passphrase);
  if (parsed instanceof Error) throw parsed;
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || !key.isPrivateKey()) throw new Error('is not a private key');
  const blob = key.getPublicSSH();
  return { publicKey: `${key.type} ${blob.toString('base64')}`, fingerprint: fingerprint(blob) };
}
