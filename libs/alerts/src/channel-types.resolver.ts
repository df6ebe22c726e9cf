import { Field, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { type FormField, formFieldsOf } from '#lib/common';
import { CHANNEL_KINDS } from './channels/channel-kinds.js';

@ObjectType({ description: 'One setting of an alert channel type, as a form asks for it' })
export class ChannelSettingField implements FormField {
  @Field({ description: 'The key in the channel’s config' }) name: string;
  @Field({ description: 'The key in words' }) label: string;
  @Field(() => String, { description: 'text, number, flag, choice, list, numbers or pairs' }) input: FormField['input'];
  @Field() required: boolean;
  @Field({ description: 'A credential inside the config: write-only' }) secret: boolean;
  @Field(() => [String]) choices: string[];
}

@ObjectType({ description: 'An alert channel type of the registry, with its settings and what its secret is' })
export class AlertChannelTypeInfo {
  @Field() type: string;
  @Field() description: string;
  @Field({ description: 'A pager (sent at once, deduplicated per incident by the provider) rather than a message channel' }) pages: boolean;
  @Field(() => String, { nullable: true, description: 'What its secret is ("Integration (routing) key"); null: it has none' }) secretLabel: string | null;
  @Field({ description: 'The secret spans lines (a PEM key)' }) secretMultiline: boolean;
  @Field(() => [ChannelSettingField]) fields: ChannelSettingField[];
}

/** The channel registry as forms need it: the dashboard draws every channel type's form from this. */
const CHANNEL_TYPE_INFOS: AlertChannelTypeInfo[] = CHANNEL_KINDS.map((kind) => ({
  type: kind.type,
  description: kind.description,
  pages: kind.pages,
  secretLabel: kind.secret ? (kind.secretLabel ?? 'Secret') : null,
  secretMultiline: kind.secretMultiline === true,
  fields: formFieldsOf(kind.config),
}));

@Resolver(() => AlertChannelTypeInfo)
export class ChannelTypesResolver {
  @Query(() => [AlertChannelTypeInfo], { description: 'Every alert channel type with its settings and its secret (for forms)' })
  alertChannelTypes(): AlertChannelTypeInfo[] {
    return CHANNEL_TYPE_INFOS;
  }
}
