import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsBoolean, IsEmail, IsEnum, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { ConnectionType, VisibleText } from '#lib/common';
import { MAX_LOGO_CHARS } from '../branding.js';
import { ApiToken } from '../entities/api-token.entity.js';
import { REPORT_LANGUAGE_MESSAGE, REPORT_LANGUAGES } from '../entities/report-language.js';
import { Role } from '../entities/role.js';
import { Tenant } from '../entities/tenant.entity.js';
import { User } from '../entities/user.entity.js';

export const TENANT_SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

@InputType()
export class LoginInput {
  @Field({ description: 'The tenant slug, e.g. "acme-hosting"' }) @IsString() @MaxLength(63) tenant: string;
  @Field() @IsString() @MaxLength(254) email: string;
  @Field() @IsString() @MaxLength(200) password: string;
}

@ObjectType()
export class LoginResult {
  @Field({ description: 'Send as "Authorization: Bearer <token>"' }) token: string;
  @Field() expiresAt: Date;
  @Field(() => User) user: User;
  @Field(() => Tenant) tenant: Tenant;
}

@ObjectType()
export class Me {
  @Field(() => Tenant) tenant: Tenant;
  @Field(() => Role) role: Role;
  @Field(() => User, { nullable: true, description: 'Null when the caller is an API token' }) user?: User;
  @Field(() => ID, { nullable: true }) apiTokenId?: string;
}

@InputType()
export class CreateUserInput {
  @Field() @IsEmail({}, { message: 'must be an e-mail address' }) @MaxLength(254) email: string;
  @Field() @IsString() @MinLength(1) @MaxLength(100) displayName: string;
  @Field(() => Role) @IsEnum(Role) role: Role;
  @Field() @IsString() @MinLength(12, { message: 'must be at least 12 characters' }) @MaxLength(200) password: string;
}

@InputType()
export class UpdateUserInput {
  @Field({ nullable: true }) @IsOptional() @IsString() @MinLength(1) @MaxLength(100) displayName?: string;
  @Field(() => Role, { nullable: true }) @IsOptional() @IsEnum(Role) role?: Role;
  @Field({ nullable: true }) @IsOptional() @IsBoolean() disabled?: boolean;
}

@InputType()
export class ChangePasswordInput {
  @Field() @IsString() @MaxLength(200) currentPassword: string;
  @Field() @IsString() @MinLength(12, { message: 'must be at least 12 characters' }) @MaxLength(200) newPassword: string;
}

@ObjectType()
export class PasswordChanged {
  @Field() changed: boolean;
  @Field(() => Int, { description: 'Your other sessions that this change ended (this one stays)' }) endedSessions: number;
}

@InputType()
export class CreateApiTokenInput {
  @Field() @IsString() @MinLength(1) @MaxLength(100) @VisibleText() name: string;
  @Field(() => Role) @IsEnum(Role) role: Role;
  @Field(() => Int, { nullable: true, description: 'Days until it expires; omitted: never' })
  @IsOptional() @IsInt() @Min(1) @Max(3650) expiresInDays?: number;
}

@ObjectType()
export class CreatedApiToken {
  @Field({ description: 'The secret. Shown only now: Vigia keeps only a hash of it' }) token: string;
  @Field(() => ApiToken) apiToken: ApiToken;
}

@InputType()
export class CreateTenantInput {
  @Field() @Matches(TENANT_SLUG, { message: 'must be 2-63 lowercase letters, digits or dashes' }) slug: string;
  @Field() @IsString() @MinLength(1) @MaxLength(100) @VisibleText() name: string;
}

export const UserConnection = ConnectionType(User, 'User');
export const ApiTokenConnection = ConnectionType(ApiToken, 'ApiToken');

@InputType()
export class UpdateTenantInput {
  @Field({ nullable: true }) @IsOptional() @IsString() @MinLength(1) @MaxLength(100) name?: string;
  @Field({ nullable: true, description: 'IANA time zone, e.g. Europe/Madrid: days and months of reports follow it' })
  @IsOptional() @IsString() @MaxLength(64) timeZone?: string;
  @Field({ nullable: true }) @IsOptional() @IsBoolean() customerNotices?: boolean;
  @Field({ nullable: true, description: 'Send monthly report e-mails to the customers who opted in; none for a month that ended before this is switched on' })
  @IsOptional() @IsBoolean() monthlyReports?: boolean;
  @Field({ nullable: true, description: 'Language of customer reports for customers without their own: en, es, pt, de or fr' })
  @IsOptional() @IsIn(REPORT_LANGUAGES, { message: REPORT_LANGUAGE_MESSAGE }) defaultLanguage?: string;
}

@InputType({ description: "The tenant's look on customer pages, PDFs and e-mails. Omitted fields stay; null removes." })
export class UpdateTenantBrandingInput {
  @Field(() => String, { nullable: true, description: 'PNG or JPEG, at most 256 KiB: a data:image/png;base64,… URL or bare base64' })
  @IsOptional() @IsString() @MaxLength(MAX_LOGO_CHARS, { message: 'must be at most 256 KiB of image' }) logo?: string | null;
  @Field(() => String, { nullable: true, description: 'Brand colour as #rrggbb' })
  @IsOptional() @IsString() @Matches(/^#[0-9a-fA-F]{6}$/, { message: 'must be a colour as #rrggbb, e.g. #1570ef' }) primaryColor?: string | null;
}
