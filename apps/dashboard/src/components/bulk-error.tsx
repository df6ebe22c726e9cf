import type { CombinedError } from 'urql';

/** The API names the selected object at fault by its place (`ids[3]`): said here by its name. */
export function BulkError({ error, names }: { error: CombinedError; names: string[] }) {
  const first = error.graphQLErrors[0];
  const at = /^ids\[(\d+)\]/.exec(String((first?.extensions as { field?: string } | undefined)?.field ?? ''));
  const who = at ? names[Number(at[1])] : undefined;
  return (
    <div className="banner banner-error" role="alert">
      {who ? `${who}: ` : ''}
      {(first?.message ?? error.message).replace(/^\[(GraphQL|Network)\] /, '')}
    </div>
  );
}
