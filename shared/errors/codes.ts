/**
 * The closed list of error codes. Every error that reaches a user, the audit journal or the
 * wire carries one of these codes, with a French (default) and an English sentence.
 * Adding a code means adding both sentences here: the type system refuses a code without them.
 */
export const ERROR_MESSAGES = {
  // Native-messaging framing (native-host/messaging)
  E_FRAME_TOO_LARGE: {
    fr: "Le message envoyé à l'hôte natif dépasse la taille maximale autorisée.",
    en: 'The message sent to the native host exceeds the maximum allowed size.',
  },
  E_FRAME_INVALID_JSON: {
    fr: "Le message reçu par l'hôte natif n'est pas du JSON UTF-8 valide.",
    en: 'The message received by the native host is not valid UTF-8 JSON.',
  },
  E_FRAME_TRUNCATED: {
    fr: "Le message reçu par l'hôte natif est tronqué.",
    en: 'The message received by the native host is truncated.',
  },
  E_REPLY_TOO_LARGE: {
    fr: 'La réponse de l’hôte natif dépasse la taille que Thunderbird accepte (1 Mo) ; elle a été refusée.',
    en: 'The native host reply exceeds the size Thunderbird accepts (1 MB); it was refused.',
  },
  // Protocol envelope (shared/protocol)
  E_PROTOCOL_INVALID: {
    fr: 'Le message ne respecte pas le protocole entre le module complémentaire et l’hôte natif.',
    en: 'The message does not follow the protocol between the add-on and the native host.',
  },
  E_PROTOCOL_VERSION: {
    fr: 'Le module complémentaire et l’hôte natif ne parlent pas la même version du protocole ; mettez-les à jour ensemble.',
    en: 'The add-on and the native host do not speak the same protocol version; update them together.',
  },
  E_PROTOCOL_UNKNOWN_TYPE: {
    fr: 'L’hôte natif ne connaît pas ce type de message.',
    en: 'The native host does not know this message type.',
  },
  // Connection between the extension and its host (extension/background)
  E_HOST_NOT_FOUND: {
    fr: 'L’hôte natif MSSanté est introuvable : lancez « mssante host install » puis redémarrez Thunderbird.',
    en: 'The MSSanté native host was not found: run "mssante host install", then restart Thunderbird.',
  },
  E_HOST_DISCONNECTED: {
    fr: 'La connexion avec l’hôte natif MSSanté a été perdue ; reconnexion en cours.',
    en: 'The connection with the MSSanté native host was lost; reconnecting.',
  },
  E_HOST_TIMEOUT: {
    fr: 'L’hôte natif MSSanté n’a pas répondu à temps.',
    en: 'The MSSanté native host did not answer in time.',
  },
  E_INTERNAL: {
    fr: 'Erreur interne inattendue ; le reste de l’application continue de fonctionner.',
    en: 'Unexpected internal error; the rest of the application keeps working.',
  },
  // Command line and installer (native-host/cli)
  E_CLI_USAGE: {
    fr: 'Commande ou option inconnue ; lancez « mssante help ».',
    en: 'Unknown command or option; run "mssante help".',
  },
  E_INSTALL_FAILED: {
    fr: 'Impossible d’installer le manifeste de l’hôte natif.',
    en: 'Could not install the native host manifest.',
  },
} as const satisfies Record<string, { fr: string; en: string }>;

export type ErrorCode = keyof typeof ERROR_MESSAGES;
export type Locale = 'fr' | 'en';

export const ERROR_CODES = Object.keys(ERROR_MESSAGES) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_MESSAGES, value);
}

/** The user sentence for a code, French by default. */
export function errorMessage(code: ErrorCode, locale: Locale = 'fr'): string {
  return ERROR_MESSAGES[code][locale];
}
