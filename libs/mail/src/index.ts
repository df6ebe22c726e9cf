export { Mailer, RelayMailer, SmtpMailer, TransportMailer, type OutgoingMail } from './mailer.js';
export { MailCatcher, CAUGHT_MAILS_KEPT, type CaughtMail } from './mail-catcher.js';
export { emailAddress, TenantMailSettings, type MailSettings, type MailSettingsInput, type MailTransport, type RelaySettings } from './tenant-mail-settings.js';
export { MailModule } from './mail.module.js';
