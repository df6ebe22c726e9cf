/** The exit codes of `vigia` (docs/cli.md): stable, so CI can tell a broken file from a broken network. */
export const EXIT = {
  ok: 0,
  /** Anything unexpected: the API unreachable, a server error. */
  error: 1,
  /** A command line that does not parse (unknown command or option, a missing argument). */
  usage: 2,
  /** The fleet file has problems (validate, plan, apply): each printed as file:line:column. */
  invalid: 3,
  /** `plan --detailed-exitcode`: the plan is not empty (changes or drift). */
  changes: 4,
  /** No token, a wrong token, or a role too low for the command. */
  auth: 5,
  /** A confirmation was declined, or needed and impossible (deletions without --yes and no terminal). */
  declined: 6,
} as const;

/** An error that ends the command with its exit code and a one-line message. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}
