/**
 * POSIX shell quoting. Every argument of a remote command goes through here: SSH hands the remote side one string
 * that its login shell parses, so an argument is safe only once it is a single quoted word. Words made only of
 * characters no shell treats specially stay bare, so audit logs read like what an operator would type.
 */
const BARE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(argument: string): string {
  if (argument.includes('\0')) throw new Error('an argument may not contain a NUL byte');
  if (argument !== '' && BARE.test(argument)) return argument;
  return `'${argument.replace(/'/g, `'\\''`)}'`;
}

/** One command line from an argument vector: each word quoted, so no value can add shell syntax. */
export function shellCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('a command needs at least a program name');
  return argv.map(shellQuote).join(' ');
}

/** Commands run one after the other while each succeeds (`a && b`): one SSH session, our own operator, quoted words. */
export function shellChain(argvs: readonly (readonly string[])[]): string {
  return argvs.map(shellCommand).join(' && ');
}
