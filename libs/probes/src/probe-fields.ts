import { flag, int, port, secret, text } from '#lib/common';

/**
 * Field wordings shared by the probe kinds (the API's words since the first version): a count is "a whole number ≥ 0",
 * a credential is a sealed string. The builders themselves are `libs/common`'s field-spec language.
 */
export const count = (): ReturnType<typeof int> => int({ min: 0, message: 'must be a whole number ≥ 0' });
export const password = (): ReturnType<typeof text> => secret(text());

/** Where and how a mail server is reached: the same settings for SMTP, IMAP and POP3. */
export const mailServer = () => ({
  port: port().optional(),
  starttls: flag().optional(),
  tls: flag().optional(),
  tlsVerify: flag().optional(),
  username: text().optional(),
  password: password().optional(),
});
