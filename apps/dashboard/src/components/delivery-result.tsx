const WORDS: Record<string, string> = {
  queued: 'queued',
  sending: 'sending…',
  sent: 'delivered',
  failed: 'failed, will retry',
  dead: 'failed, gave up',
  cancelled: 'not sent (acknowledged or resolved first)',
};

/** A delivery's outcome in words, with the provider's error beside a failure (never colour alone). */
export function DeliveryResult({ status, error }: { status: string; error: string | null }) {
  const failed = status === 'failed' || status === 'dead';
  return (
    <span data-status={status} className={failed ? 'error' : undefined}>
      {failed ? '✗ ' : status === 'sent' ? '✓ ' : ''}
      {WORDS[status] ?? status}
      {error && failed && `: ${error}`}
    </span>
  );
}
