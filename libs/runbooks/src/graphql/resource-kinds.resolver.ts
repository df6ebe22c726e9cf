import { Field, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { type FormField, formFieldsOf, labelOf } from '#lib/common';
import { RESOURCE_KINDS, resourceKind } from '../resources/resource-kinds.js';

@ObjectType({ description: 'One setting of a resource kind, as a form asks for it' })
export class ResourceSettingField implements FormField {
  @Field({ description: 'The key in the resource’s config, e.g. address' }) name: string;
  @Field({ description: 'The key in words' }) label: string;
  @Field(() => String, { description: 'text, number, flag, choice, list, numbers or pairs' }) input: FormField['input'];
  @Field() required: boolean;
  @Field({ description: 'A credential inside the config: write-only' }) secret: boolean;
  @Field(() => [String]) choices: string[];
}

@ObjectType({ description: 'A secret of a resource kind (sealed, never shown): sent in the input’s secrets under its name' })
export class ResourceSecretField {
  @Field({ description: 'The key in the input’s secrets, e.g. tsigSecret' }) name: string;
  @Field({ description: 'The key in words' }) label: string;
}

@ObjectType({ description: 'What the members of a resource kind are, and what a member’s value and weight mean for it' })
export class ResourceMembersInfo {
  @Field({ description: 'The hosts listed, in words' }) are: string;
  @Field(() => String, { nullable: true, description: 'What a member’s value is for this kind; null: not used' }) value: string | null;
  @Field(() => String, { nullable: true, description: 'What a member’s weight is for this kind; null: not used' }) weight: string | null;
}

@ObjectType({ description: 'A resource kind of the registry, with what a form needs to create one' })
export class ResourceKindInfo {
  @Field() type: string;
  @Field() description: string;
  @Field(() => [ResourceSettingField], { description: 'Its settings (config), flapStableSeconds included' }) fields: ResourceSettingField[];
  @Field(() => [ResourceSecretField], { description: 'Its secrets; empty: it has none' }) secrets: ResourceSecretField[];
  @Field(() => ResourceMembersInfo) members: ResourceMembersInfo;
  @Field({ description: 'One member serves at a time (the primary); false: every member serves (a pool)' }) hasPrimary: boolean;
  @Field({ description: 'A member back: failback (to the preferred member when the failback policy is auto), restore (a drained member put back) or never (an operator brings a former primary back)' })
  memberBack: string;
  @Field({ description: 'A member replaced while unreachable is fenced when it returns (requireFencing applies)' }) fences: boolean;
  @Field({ description: 'With failback auto, a fenced former primary is re-attached (e.g. as a replica) rather than made primary again' }) reattaches: boolean;
}

/** The resource registry as forms need it: the dashboard draws every kind's form from this, no copy per kind. */
const RESOURCE_KIND_INFOS: ResourceKindInfo[] = RESOURCE_KINDS.map((declared) => {
  // The registry's view adds the settings every kind takes (flapStableSeconds).
  const kind = resourceKind(declared.type)!;
  return {
    type: kind.type,
    description: kind.description,
    fields: formFieldsOf(kind.config),
    secrets: kind.secrets.map((name) => ({ name, label: labelOf(name) })),
    members: { are: kind.members.are, value: kind.members.value ?? null, weight: kind.members.weight ?? null },
    hasPrimary: kind.onMemberDown !== 'drain',
    memberBack: kind.onMemberBack,
    fences: kind.fenceReturning !== undefined,
    reattaches: kind.fenceReturning?.reattach !== undefined,
  };
});

@Resolver(() => ResourceKindInfo)
export class ResourceKindsResolver {
  @Query(() => [ResourceKindInfo], { description: 'Every resource kind with its settings, secrets and what its members are (for forms)' })
  resourceKinds(): ResourceKindInfo[] {
    return RESOURCE_KIND_INFOS;
  }
}
