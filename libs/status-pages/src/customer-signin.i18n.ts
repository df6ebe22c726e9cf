import type { ReportLanguage } from '#lib/tenancy';

/** The words of a customer-login page: its sign-in form, the answer to it, the sign-in mail and signing out. */
export interface SigninMessages {
  title: string;
  intro: string;
  emailLabel: string;
  button: string;
  /** The same answer whether or not the address may see the page: the form tells nobody whose address it is. */
  checkInbox: string;
  badEmail: string;
  tooMany: string;
  signOut: string;
  subject: (page: string) => string;
  body: (page: string, minutes: number) => string;
  ignore: string;
}

const en: SigninMessages = {
  title: 'Sign in to this status page',
  intro: 'Enter your e-mail address: if it may see this page, we mail you a link that signs you in.',
  emailLabel: 'E-mail address',
  button: 'Send me a sign-in link',
  checkInbox: 'Thank you. If this address may see the page, a sign-in link is on its way.',
  badEmail: 'E-mail address: must be an e-mail address such as name@example.com.',
  tooMany: 'Too many attempts. Please try again in a minute.',
  signOut: 'Sign out',
  subject: (page) => `Sign in to ${page}`,
  body: (page, minutes) => `Open this link within ${minutes} minutes to see ${page}:`,
  ignore: 'If it was not you who asked, ignore this mail.',
};

const es: SigninMessages = {
  title: 'Acceder a esta página de estado',
  intro: 'Escriba su correo electrónico: si puede ver esta página, le enviamos un enlace de acceso.',
  emailLabel: 'Correo electrónico',
  button: 'Enviarme un enlace de acceso',
  checkInbox: 'Gracias. Si esta dirección puede ver la página, le enviamos un enlace de acceso.',
  badEmail: 'Correo electrónico: debe ser una dirección como nombre@example.com.',
  tooMany: 'Demasiados intentos. Vuelva a intentarlo en un minuto.',
  signOut: 'Cerrar sesión',
  subject: (page) => `Acceso a ${page}`,
  body: (page, minutes) => `Abra este enlace en los próximos ${minutes} minutos para ver ${page}:`,
  ignore: 'Si no lo pidió usted, ignore este correo.',
};

const pt: SigninMessages = {
  title: 'Entrar nesta página de estado',
  intro: 'Escreva o seu e-mail: se ele puder ver esta página, enviamos um link de acesso.',
  emailLabel: 'E-mail',
  button: 'Enviar-me um link de acesso',
  checkInbox: 'Obrigado. Se este endereço puder ver a página, um link de acesso está a caminho.',
  badEmail: 'E-mail: deve ser um endereço como nome@example.com.',
  tooMany: 'Demasiadas tentativas. Tente de novo dentro de um minuto.',
  signOut: 'Sair',
  subject: (page) => `Acesso a ${page}`,
  body: (page, minutes) => `Abra este link nos próximos ${minutes} minutos para ver ${page}:`,
  ignore: 'Se não foi você que pediu, ignore este e-mail.',
};

const de: SigninMessages = {
  title: 'Bei dieser Statusseite anmelden',
  intro: 'Geben Sie Ihre E-Mail-Adresse ein: Darf sie diese Seite sehen, senden wir Ihnen einen Anmeldelink.',
  emailLabel: 'E-Mail-Adresse',
  button: 'Anmeldelink senden',
  checkInbox: 'Danke. Darf diese Adresse die Seite sehen, ist ein Anmeldelink unterwegs.',
  badEmail: 'E-Mail-Adresse: muss eine Adresse wie name@example.com sein.',
  tooMany: 'Zu viele Versuche. Bitte versuchen Sie es in einer Minute erneut.',
  signOut: 'Abmelden',
  subject: (page) => `Anmeldung bei ${page}`,
  body: (page, minutes) => `Öffnen Sie diesen Link innerhalb von ${minutes} Minuten, um ${page} zu sehen:`,
  ignore: 'Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail.',
};

const fr: SigninMessages = {
  title: 'Se connecter à cette page d’état',
  intro: 'Saisissez votre adresse e-mail : si elle peut voir cette page, nous vous envoyons un lien de connexion.',
  emailLabel: 'Adresse e-mail',
  button: 'M’envoyer un lien de connexion',
  checkInbox: 'Merci. Si cette adresse peut voir la page, un lien de connexion est en route.',
  badEmail: 'Adresse e-mail : doit être une adresse comme nom@example.com.',
  tooMany: 'Trop de tentatives. Réessayez dans une minute.',
  signOut: 'Se déconnecter',
  subject: (page) => `Connexion à ${page}`,
  body: (page, minutes) => `Ouvrez ce lien dans les ${minutes} minutes pour voir ${page} :`,
  ignore: 'Si ce n’est pas vous qui l’avez demandé, ignorez cet e-mail.',
};

const ALL: Record<ReportLanguage, SigninMessages> = { en, es, pt, de, fr };

export function signinMessages(language: string): SigninMessages {
  return ALL[(language in ALL ? language : 'en') as ReportLanguage];
}
