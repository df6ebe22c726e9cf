export { sshExec, fetchHostKey, fingerprint, SshHostKeyError, type SshResult, type SshTarget } from './ssh/ssh.client.js';
export { inspectPrivateKey } from './ssh/ssh-keys.js';
