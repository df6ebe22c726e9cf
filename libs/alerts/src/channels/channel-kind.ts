import type { z } from 'zod';
import type { FieldShape } from '#lib/common';
import type { Mailer } from '#lib/mail';
import type { ChannelAdapter } from './channel.js';

/** What a channel's adapter may need from the process (e-mail goes through the configured SMTP server). */
export interface ChannelDeps {
  mailer: Mailer;
}

/**
 * Everything about one alert channel type, declared in its own file (`<type>.channel.ts`) and listed once in
 * `channel-kinds.ts`: its settings (validated at save, in the field-spec language of libs/common), its secret (the
 * routing key, API key or signing secret: sealed, never shown), whether it pages (a pager deduplicates per incident
 * itself and is sent at once; a message channel waits the grouping window for company), whether it is told of
 * acknowledgements, and the adapter that delivers.
 */
export interface ChannelKind<Type extends string = string> {
  readonly type: Type;
  readonly description: string;
  readonly config: FieldShape;
  /** The secret's rule; absent: the channel has none. Checked on `input.secret` (empty when not given). */
  readonly secret?: z.ZodType<string>;
  readonly pages: boolean;
  /** Sent an "acknowledged" message when someone acknowledges (e-mail is not: its reader already knows). */
  readonly hearsAcknowledgements: boolean;
  /** How a missing required setting is refused; default "is required for a <type>". */
  readonly missing?: (key: string) => string;
  /** What `config` the API names in its description of the input (`{to: [..]}`). */
  readonly configHint: string;
  createAdapter(deps: ChannelDeps): ChannelAdapter;
}

export function defineChannel<const Type extends string>(kind: ChannelKind<Type>): ChannelKind<Type> {
  return kind;
}
