import { checkSettings, egressProblem, fieldProblem, VigiaException, type AddressJudge } from '#lib/common';
import type { ChannelKind } from './channel-kind.js';
import { emailChannelKind } from './email.channel.js';
import { opsgenieChannelKind } from './opsgenie.channel.js';
import { pagerdutyChannelKind } from './pagerduty.channel.js';
import { webhookChannelKind } from './webhook.channel.js';
import { slackChannelKind } from './slack.channel.js';
import { slackBotChannelKind } from './slack-bot.channel.js';
import { teamsChannelKind } from './teams.channel.js';
import { telegramChannelKind } from './telegram.channel.js';
import { discordChannelKind } from './discord.channel.js';
import { mattermostChannelKind } from './mattermost.channel.js';
import { rocketchatChannelKind } from './rocketchat.channel.js';
import { twilioSmsChannelKind } from './twilio-sms.channel.js';
import { twilioVoiceChannelKind } from './twilio-voice.channel.js';
import { vonageSmsChannelKind } from './vonage-sms.channel.js';
import { vonageVoiceChannelKind } from './vonage-voice.channel.js';

/**
 * Every alert channel type, listed once: the GraphQL enum `ChannelType` (with descriptions), save-time validation,
 * which channels page, which hear acknowledgements, and the delivery adapters come from here. Adding a channel:
 * docs/extending.md.
 */
export const CHANNEL_KINDS = [
  emailChannelKind,
  pagerdutyChannelKind,
  opsgenieChannelKind,
  webhookChannelKind,
  slackChannelKind,
  slackBotChannelKind,
  teamsChannelKind,
  telegramChannelKind,
  discordChannelKind,
  mattermostChannelKind,
  rocketchatChannelKind,
  twilioSmsChannelKind,
  twilioVoiceChannelKind,
  vonageSmsChannelKind,
  vonageVoiceChannelKind,
] as const;

export type ChannelType = (typeof CHANNEL_KINDS)[number]['type'];

/** `ChannelType.email` is `'email'`: the names as values (GraphQL enum, class-validator's IsEnum). */
export const ChannelType = Object.freeze(Object.fromEntries(CHANNEL_KINDS.map((k) => [k.type, k.type]))) as { readonly [T in ChannelType]: T };

const BY_TYPE = new Map<string, ChannelKind>(CHANNEL_KINDS.map((k) => [k.type, k]));

export function channelKind(type: string): ChannelKind | undefined {
  return BY_TYPE.get(type);
}

/** The channel types of which `has` holds (e.g. the ones that page): for SQL filters over `alert_channels.type`. */
export function channelTypesWhere(has: (kind: ChannelKind) => boolean): string[] {
  return CHANNEL_KINDS.filter(has).map((k) => k.type);
}

/**
 * A channel's settings and secret against its kind: unknown keys refused, each value in its field's words, URLs
 * judged by the egress policy, then the secret. Returns the config to store.
 */
export function validateChannel(input: { type: string; config: Record<string, unknown>; secret?: string }, egress: AddressJudge): Record<string, unknown> {
  const kind = channelKind(input.type);
  if (!kind) throw VigiaException.invalid('input.type', `${input.type} channels are not available in this version`);
  checkSettings(kind.config, input.config, { path: 'input.config', unknown: () => `is not a setting of a ${input.type} channel`, required: kind.missing ?? (() => `is required for a ${input.type}`) }, egress);
  // A secret that is a URL (a chat's webhook) is judged by the egress policy like a URL setting.
  const problem = kind.secret && (fieldProblem(kind.secret, input.secret ?? '') ?? egressProblem(kind.secret, input.secret, egress));
  if (problem) throw VigiaException.invalid('input.secret', problem);
  return input.config;
}
