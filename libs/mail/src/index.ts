export { Mailer, SmtpMailer, TransportMailer, type OutgoingMail } from './mailer.js';
export { MailCatcher, CAUGHT_MAILS_KEPT, type CaughtMail, type MailTransport } from './mail-catcher.js';
export { MailModule } from './mail.module.js';
