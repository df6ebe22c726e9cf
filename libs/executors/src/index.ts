export { sshExec, fetchHostKey, fingerprint, SshHostKeyError, type SshResult, type SshTarget, type SshExecOptions } from './ssh/ssh.client.js';
export { inspectPrivateKey } from './ssh/ssh-keys.js';
export { shellQuote, shellCommand, shellChain } from './shell/shell-quote.js';
export { runLocal, MAX_OUTPUT, type CommandResult } from './shell/local-command.js';
export { haproxyCommand, haproxyAccepted, parseServersState, type HaproxyServerState } from './lb/haproxy-runtime.js';
export { nsupdateScript, queryAuthoritative, isDnsName, fqdn, type RecordSetChange, type TsigKey } from './dns/rfc2136.js';
export { powerDnsRequest, sendPowerDns, type PowerDnsRequest } from './dns/powerdns.js';
export { MysqlAdmin, type MysqlTarget, type ReplicaState, type ServerState } from './mysql/mysql-admin.js';
export { compareGtid, flavorOf, type MysqlFlavor } from './mysql/replication-sql.js';
