import { Global, Module } from '@nestjs/common';
import { MailCatcher } from './mail-catcher.js';
import { Mailer, RelayMailer, SmtpMailer, TransportMailer } from './mailer.js';
import { TenantMailSettings } from './tenant-mail-settings.js';

/** `Mailer` chooses each tenant's transport (the platform's relay, its own, or the mail catcher); `TenantMailSettings` holds that choice and the tenant's sender; `MailCatcher` reads what was caught. */
@Global()
@Module({ providers: [SmtpMailer, RelayMailer, MailCatcher, TenantMailSettings, { provide: Mailer, useClass: TransportMailer }], exports: [Mailer, MailCatcher, TenantMailSettings] })
export class MailModule {}
