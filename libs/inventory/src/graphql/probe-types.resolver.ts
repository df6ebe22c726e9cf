import { Field, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { type FormField, formFieldsOf } from '#lib/common';
import { PROBE_KINDS } from '#lib/probes';

@ObjectType({ description: 'One setting of a probe type, as a form asks for it' })
export class ProbeSettingField implements FormField {
  @Field({ description: 'The key in the monitor’s config, e.g. expectedStatus' }) name: string;
  @Field({ description: 'The key in words, e.g. "Expected status"' }) label: string;
  @Field(() => String, { description: 'text, number, flag (yes/no), choice (one of choices), list (strings), numbers (whole numbers) or pairs (name → value, e.g. headers)' })
  input: FormField['input'];
  @Field() required: boolean;
  @Field({ description: 'A credential: write-only, read back as "<sealed>"; send "<sealed>" (or leave it out) to keep it' }) secret: boolean;
  @Field(() => [String]) choices: string[];
}

@ObjectType({ description: 'A kind of monitor the probes registry knows, with the settings its config takes' })
export class ProbeTypeInfo {
  @Field() type: string;
  @Field() description: string;
  @Field(() => [ProbeSettingField]) fields: ProbeSettingField[];
}

/** The registry as forms need it: the dashboard draws every probe type's form from this, one list, no copy per type. */
const PROBE_TYPE_INFOS: ProbeTypeInfo[] = PROBE_KINDS.map((kind) => ({ type: kind.type, description: kind.description, fields: formFieldsOf(kind.config) }));

@Resolver(() => ProbeTypeInfo)
export class ProbeTypesResolver {
  @Query(() => [ProbeTypeInfo], { description: 'Every probe type and the settings its monitors’ config takes (for forms)' })
  probeTypes(): ProbeTypeInfo[] {
    return PROBE_TYPE_INFOS;
  }
}
