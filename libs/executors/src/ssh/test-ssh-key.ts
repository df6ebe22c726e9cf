import ssh2 from 'ssh2';

/**
 * A fresh ed25519 private key in OpenSSH format that ssh2 itself can read back.
 *
 * For tests only (not exported from the library's index; test/support/ssh-key.ts re-exports it).
 *
 * Why not `ssh2.utils.generateKeyPairSync('ed25519')` alone: ssh2 strips leading zero bytes from the public key it
 * writes, so about one key in 256 comes out malformed and parseKey refuses it (mscdex/ssh2#1390, #1513). A test that
 * drew such a key failed on "Malformed OpenSSH private key" once in CI. Drawing again until both halves parse keeps
 * the key random and the failure out of the tests; Vigia itself never generates SSH keys.
 */
export function testSshKey(): string {
  for (let attempt = 0; attempt < 64; attempt++) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519');
    if (!(ssh2.utils.parseKey(pair.private) instanceof Error) && !(ssh2.utils.parseKey(pair.public) instanceof Error)) return pair.private;
  }
  throw new Error('64 ed25519 keys in a row were unreadable: not the 1-in-256 ssh2 bug');
}
