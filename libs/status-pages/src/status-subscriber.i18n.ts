import type { ReportLanguage } from '#lib/tenancy';

/** The words of subscribing: the form on the page, the answers to it, and the mails, in the page's language. */
export interface SubscriberMessages {
  subscribeTitle: string;
  emailLabel: string;
  subscribeButton: string;
  checkInbox: string;
  badEmail: string;
  /** The subscription form's component choice: its legend and what choosing none means. */
  componentsLegend: string;
  componentsHint: string;
  badComponent: string;
  /** A customer-login page mails only the customer's own address. */
  notCustomerAddress: string;
  tooMany: string;
  confirmed: string;
  unsubscribeTitle: string;
  unsubscribeButton: string;
  confirmButton: string;
  unsubscribed: string;
  linkInvalid: string;
  confirmSubject: (page: string) => string;
  confirmBody: (page: string) => string;
  confirmIgnore: string;
  maintenanceSubject: (page: string, title: string) => string;
  /** A maintenance occurrence's start and end, told when they happen. */
  maintenanceStartedSubject: (page: string, title: string) => string;
  maintenanceEndedSubject: (page: string, title: string) => string;
  unsubscribeLine: string;
  /** The manage link (choose components, no login): its line in every mail, its form and the answer to it. */
  manageLine: string;
  manageTitle: string;
  manageButton: string;
  manageSaved: string;
}

const en: SubscriberMessages = {
  subscribeTitle: 'Get updates by e-mail',
  emailLabel: 'E-mail address',
  subscribeButton: 'Subscribe',
  checkInbox: 'Thank you. If this address is not subscribed yet, a confirmation mail is on its way: open its link to start receiving updates.',
  badEmail: 'E-mail address: must be an e-mail address such as name@example.com.',
  componentsLegend: 'Components to hear about',
  componentsHint: 'None ticked: all of them.',
  badComponent: 'Components: a chosen component is not on this page.',
  notCustomerAddress: 'E-mail address: on this page, only the address you signed in with.',
  tooMany: 'Too many attempts from your address. Please try again in a minute.',
  confirmed: 'Your subscription is confirmed. You will receive this page’s incident updates and maintenance notices.',
  unsubscribeTitle: 'Unsubscribe',
  unsubscribeButton: 'Unsubscribe',
  confirmButton: 'Confirm my subscription',
  unsubscribed: 'You are unsubscribed and will receive no more mail from this page.',
  linkInvalid: 'This link is not valid (it may have expired).',
  confirmSubject: (page) => `Confirm your subscription to ${page}`,
  confirmBody: (page) => `Someone (hopefully you) asked to receive the status updates of ${page} at this address. Open this link to confirm:`,
  confirmIgnore: 'If it was not you, ignore this mail: nothing will be sent to you.',
  maintenanceSubject: (page, title) => `${page}: scheduled maintenance — ${title}`,
  maintenanceStartedSubject: (page, title) => `${page}: maintenance started — ${title}`,
  maintenanceEndedSubject: (page, title) => `${page}: maintenance completed — ${title}`,
  unsubscribeLine: 'Unsubscribe from these mails:',
  manageLine: 'Choose the components you hear about:',
  manageTitle: 'Choose your components',
  manageButton: 'Save my choice',
  manageSaved: 'Your choice is saved.',
};

const es: SubscriberMessages = {
  subscribeTitle: 'Recibir avisos por correo',
  emailLabel: 'Correo electrónico',
  subscribeButton: 'Suscribirse',
  checkInbox: 'Gracias. Si esta dirección aún no está suscrita, le enviamos un correo de confirmación: abra su enlace para empezar a recibir avisos.',
  badEmail: 'Correo electrónico: debe ser una dirección como nombre@ejemplo.com.',
  componentsLegend: 'Componentes de los que recibir avisos',
  componentsHint: 'Ninguno marcado: todos.',
  badComponent: 'Componentes: uno de los elegidos no está en esta página.',
  notCustomerAddress: 'Correo electrónico: en esta página, solo la dirección con la que accedió.',
  tooMany: 'Demasiados intentos desde su dirección. Inténtelo de nuevo en un minuto.',
  confirmed: 'Su suscripción está confirmada. Recibirá los avisos de incidencias y mantenimientos de esta página.',
  unsubscribeTitle: 'Darse de baja',
  unsubscribeButton: 'Darse de baja',
  confirmButton: 'Confirmar la suscripción',
  unsubscribed: 'Se ha dado de baja y no recibirá más correos de esta página.',
  linkInvalid: 'Este enlace no es válido (puede haber caducado).',
  confirmSubject: (page) => `Confirme su suscripción a ${page}`,
  confirmBody: (page) => `Alguien (esperamos que usted) pidió recibir en esta dirección los avisos de estado de ${page}. Abra este enlace para confirmar:`,
  confirmIgnore: 'Si no fue usted, ignore este correo: no le enviaremos nada.',
  maintenanceSubject: (page, title) => `${page}: mantenimiento programado — ${title}`,
  maintenanceStartedSubject: (page, title) => `${page}: mantenimiento iniciado — ${title}`,
  maintenanceEndedSubject: (page, title) => `${page}: mantenimiento finalizado — ${title}`,
  unsubscribeLine: 'Darse de baja de estos correos:',
  manageLine: 'Elegir los componentes de los que recibe avisos:',
  manageTitle: 'Elegir sus componentes',
  manageButton: 'Guardar mi elección',
  manageSaved: 'Su elección se ha guardado.',
};

const pt: SubscriberMessages = {
  subscribeTitle: 'Receber atualizações por e-mail',
  emailLabel: 'Endereço de e-mail',
  subscribeButton: 'Subscrever',
  checkInbox: 'Obrigado. Se este endereço ainda não está inscrito, enviámos um e-mail de confirmação: abra o link para começar a receber atualizações.',
  badEmail: 'Endereço de e-mail: deve ser um endereço como nome@exemplo.com.',
  componentsLegend: 'Componentes sobre os quais receber avisos',
  componentsHint: 'Nenhum marcado: todos.',
  badComponent: 'Componentes: um dos escolhidos não está nesta página.',
  notCustomerAddress: 'E-mail: nesta página, só o endereço com que entrou.',
  tooMany: 'Demasiadas tentativas do seu endereço. Tente de novo dentro de um minuto.',
  confirmed: 'A sua inscrição está confirmada. Receberá as atualizações de incidentes e avisos de manutenção desta página.',
  unsubscribeTitle: 'Cancelar inscrição',
  unsubscribeButton: 'Cancelar inscrição',
  confirmButton: 'Confirmar a inscrição',
  unsubscribed: 'A sua inscrição foi cancelada; não receberá mais e-mails desta página.',
  linkInvalid: 'Este link não é válido (pode ter expirado).',
  confirmSubject: (page) => `Confirme a sua inscrição em ${page}`,
  confirmBody: (page) => `Alguém (esperamos que você) pediu para receber neste endereço as atualizações de estado de ${page}. Abra este link para confirmar:`,
  confirmIgnore: 'Se não foi você, ignore este e-mail: nada lhe será enviado.',
  maintenanceSubject: (page, title) => `${page}: manutenção programada — ${title}`,
  maintenanceStartedSubject: (page, title) => `${page}: manutenção iniciada — ${title}`,
  maintenanceEndedSubject: (page, title) => `${page}: manutenção concluída — ${title}`,
  unsubscribeLine: 'Cancelar a inscrição nestes e-mails:',
  manageLine: 'Escolher os componentes de que recebe avisos:',
  manageTitle: 'Escolher os seus componentes',
  manageButton: 'Guardar a minha escolha',
  manageSaved: 'A sua escolha foi guardada.',
};

const de: SubscriberMessages = {
  subscribeTitle: 'Updates per E-Mail erhalten',
  emailLabel: 'E-Mail-Adresse',
  subscribeButton: 'Abonnieren',
  checkInbox: 'Danke. Falls diese Adresse noch nicht eingetragen ist, ist eine Bestätigungs-E-Mail unterwegs: Öffnen Sie deren Link, um Updates zu erhalten.',
  badEmail: 'E-Mail-Adresse: muss eine Adresse wie name@example.com sein.',
  componentsLegend: 'Komponenten, über die Sie informiert werden',
  componentsHint: 'Keine ausgewählt: alle.',
  badComponent: 'Komponenten: eine gewählte Komponente ist nicht auf dieser Seite.',
  notCustomerAddress: 'E-Mail-Adresse: auf dieser Seite nur die Adresse, mit der Sie sich angemeldet haben.',
  tooMany: 'Zu viele Versuche von Ihrer Adresse. Bitte versuchen Sie es in einer Minute erneut.',
  confirmed: 'Ihr Abonnement ist bestätigt. Sie erhalten die Störungsmeldungen und Wartungshinweise dieser Seite.',
  unsubscribeTitle: 'Abbestellen',
  unsubscribeButton: 'Abbestellen',
  confirmButton: 'Abonnement bestätigen',
  unsubscribed: 'Sie haben abbestellt und erhalten keine E-Mails dieser Seite mehr.',
  linkInvalid: 'Dieser Link ist nicht gültig (er ist vielleicht abgelaufen).',
  confirmSubject: (page) => `Bestätigen Sie Ihr Abonnement von ${page}`,
  confirmBody: (page) => `Jemand (hoffentlich Sie) möchte die Statusmeldungen von ${page} an diese Adresse erhalten. Öffnen Sie diesen Link zur Bestätigung:`,
  confirmIgnore: 'Falls Sie es nicht waren, ignorieren Sie diese E-Mail: Sie erhalten nichts.',
  maintenanceSubject: (page, title) => `${page}: geplante Wartung — ${title}`,
  maintenanceStartedSubject: (page, title) => `${page}: Wartung begonnen — ${title}`,
  maintenanceEndedSubject: (page, title) => `${page}: Wartung abgeschlossen — ${title}`,
  unsubscribeLine: 'Diese E-Mails abbestellen:',
  manageLine: 'Komponenten wählen, über die Sie informiert werden:',
  manageTitle: 'Ihre Komponenten wählen',
  manageButton: 'Auswahl speichern',
  manageSaved: 'Ihre Auswahl ist gespeichert.',
};

const fr: SubscriberMessages = {
  subscribeTitle: 'Recevoir les mises à jour par e-mail',
  emailLabel: 'Adresse e-mail',
  subscribeButton: 'S’abonner',
  checkInbox: 'Merci. Si cette adresse n’est pas encore abonnée, un e-mail de confirmation est en route : ouvrez son lien pour recevoir les mises à jour.',
  badEmail: 'Adresse e-mail : doit être une adresse comme nom@exemple.com.',
  componentsLegend: 'Composants à suivre',
  componentsHint: 'Aucun coché : tous.',
  badComponent: 'Composants : un composant choisi n’est pas sur cette page.',
  notCustomerAddress: 'Adresse e-mail : sur cette page, seulement l’adresse avec laquelle vous vous êtes connecté.',
  tooMany: 'Trop de tentatives depuis votre adresse. Réessayez dans une minute.',
  confirmed: 'Votre abonnement est confirmé. Vous recevrez les mises à jour d’incidents et les avis de maintenance de cette page.',
  unsubscribeTitle: 'Se désabonner',
  unsubscribeButton: 'Se désabonner',
  confirmButton: 'Confirmer l’abonnement',
  unsubscribed: 'Vous êtes désabonné et ne recevrez plus d’e-mails de cette page.',
  linkInvalid: 'Ce lien n’est pas valide (il a peut-être expiré).',
  confirmSubject: (page) => `Confirmez votre abonnement à ${page}`,
  confirmBody: (page) => `Quelqu’un (vous, espérons-le) a demandé à recevoir à cette adresse les mises à jour de ${page}. Ouvrez ce lien pour confirmer :`,
  confirmIgnore: 'Si ce n’était pas vous, ignorez cet e-mail : rien ne vous sera envoyé.',
  maintenanceSubject: (page, title) => `${page} : maintenance planifiée — ${title}`,
  maintenanceStartedSubject: (page, title) => `${page} : maintenance commencée — ${title}`,
  maintenanceEndedSubject: (page, title) => `${page} : maintenance terminée — ${title}`,
  unsubscribeLine: 'Se désabonner de ces e-mails :',
  manageLine: 'Choisir les composants dont vous êtes informé :',
  manageTitle: 'Choisir vos composants',
  manageButton: 'Enregistrer mon choix',
  manageSaved: 'Votre choix est enregistré.',
};

export const SUBSCRIBER_MESSAGES: Record<ReportLanguage, SubscriberMessages> = { en, es, pt, de, fr };

export function subscriberMessages(language: string): SubscriberMessages {
  return SUBSCRIBER_MESSAGES[(language in SUBSCRIBER_MESSAGES ? language : 'en') as ReportLanguage];
}
