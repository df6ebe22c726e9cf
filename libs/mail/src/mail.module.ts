import { Global, Module } from '@nestjs/common';
import { MailCatcher } from './mail-catcher.js';
import { Mailer, SmtpMailer, TransportMailer } from './mailer.js';

/** `Mailer` chooses each tenant's transport (SMTP or the mail catcher); `MailCatcher` reads what was caught. */
@Global()
@Module({ providers: [SmtpMailer, MailCatcher, { provide: Mailer, useClass: TransportMailer }], exports: [Mailer, MailCatcher] })
export class MailModule {}
