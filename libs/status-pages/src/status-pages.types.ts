import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsEnum, IsInt, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { PostState, StatusComponentKind, StatusPageVisibility } from './status-page.entity.js';

@InputType()
export class StatusComponentInput {
  @Field(() => StatusComponentKind) @IsEnum(StatusComponentKind) kind: StatusComponentKind;
  @Field(() => ID) @IsUUID('all', { message: 'must be an id returned by this API' }) subjectId: string;
  @Field({ nullable: true, description: "Shown on the page; default: the service's customer-facing name, else the subject's name" })
  @IsOptional() @IsString() @MaxLength(120) displayName?: string;
  @Field({ nullable: true, description: 'Components with the same group name are shown together; the group shows its worst status' })
  @IsOptional() @IsString() @MaxLength(120) groupName?: string;
}

@InputType()
export class StatusPageInput {
  @Field({ nullable: true, description: 'Lower-case letters, digits and dashes; unique in the tenant' }) @IsOptional() @IsString() slug?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(200) title?: string;
  @Field(() => String, { nullable: true, description: 'A host name such as status.example.com; unique across Vigia' }) @IsOptional() customDomain?: string | null;
  @Field(() => StatusPageVisibility, { nullable: true }) @IsOptional() @IsEnum(StatusPageVisibility) visibility?: StatusPageVisibility;
  @Field({ nullable: true, description: 'Required for a password page; at least 10 characters' }) @IsOptional() @IsString() password?: string;
  @Field(() => ID, { nullable: true, description: 'A per-customer page: its components are that customer’s services' })
  @IsOptional() @IsUUID('all', { message: 'must be an id returned by this API' }) customerId?: string;
  @Field({ nullable: true, description: 'en, es, pt, de or fr' }) @IsOptional() @IsString() language?: string;
  @Field({ nullable: true, description: 'IANA time zone the days of the bars are counted in' }) @IsOptional() @IsString() timeZone?: string;
  @Field(() => Int, { nullable: true, description: 'Days of uptime bars, 7–365 (default 90)' }) @IsOptional() @IsInt() days?: number;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(2000) footer?: string;
  @Field({ nullable: true, description: '#rrggbb' }) @IsOptional() @IsString() accentColor?: string;
  @Field(() => String, { nullable: true, description: 'An https URL of the logo image' }) @IsOptional() logoUrl?: string | null;
  @Field(() => [String], { nullable: true, description: 'Links in the footer (http or https URLs)' }) @IsOptional() @IsArray() links?: string[];
  @Field(() => [String], { nullable: true, description: 'Origins that may show the page in a frame (scheme and host, e.g. https://www.example.com); empty: none. Public pages only' })
  @IsOptional()
  @IsArray()
  embedOrigins?: string[];
  @Field({ nullable: true }) @IsOptional() @IsBoolean() autoPublish?: boolean;
  @Field(() => [StatusComponentInput], { nullable: true, description: 'The whole list, in order (replaces the current one)' })
  @IsOptional() @ValidateNested({ each: true }) @Type(() => StatusComponentInput) components?: StatusComponentInput[];
}

@InputType()
export class StatusPostInput {
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(200) title?: string;
  @Field(() => [ID], { nullable: true, description: 'Components of the page the post is about' }) @IsOptional() @IsArray() componentIds?: string[];
  @Field({ nullable: true }) @IsOptional() @IsBoolean() published?: boolean;
}

@InputType()
export class StatusPostUpdateInput {
  @Field(() => PostState) @IsEnum(PostState) state: PostState;
  @Field() @IsString() @MaxLength(5000) body: string;
}
