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
  // Compose panel ↔ background (shared/protocol/compose-panel)
  E_COMPOSE_PANEL_INVALID: {
    fr: 'Le panneau MSSanté de la fenêtre de rédaction et le module ne se comprennent pas (message invalide) ; fermez puis rouvrez le panneau.',
    en: 'The MSSanté panel of the compose window and the add-on do not understand each other (invalid message); close and reopen the panel.',
  },
  E_COMPOSE_PANEL_VERSION: {
    fr: 'Le panneau MSSanté de la fenêtre de rédaction ne parle pas la même version que le module ; fermez puis rouvrez la fenêtre de rédaction.',
    en: 'The MSSanté panel of the compose window does not speak the same version as the add-on; close and reopen the compose window.',
  },
  E_COMPOSE_PANEL_UNKNOWN_TYPE: {
    fr: 'Le module ne connaît pas cette demande du panneau MSSanté.',
    en: 'The add-on does not know this request of the MSSanté panel.',
  },
  E_COMPOSE_PANEL_TIMEOUT: {
    fr: 'Le module n’a pas répondu à temps au panneau MSSanté ; réessayez.',
    en: 'The add-on did not answer the MSSanté panel in time; try again.',
  },
  E_COMPOSE_PANEL_DISCONNECTED: {
    fr: 'Le panneau MSSanté a perdu le lien avec le module ; fermez puis rouvrez le panneau.',
    en: 'The MSSanté panel lost its link with the add-on; close and reopen the panel.',
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
  // Domain core (shared/domain)
  E_XDM_NOT_ZIP: {
    fr: 'La pièce jointe n’est pas une archive ZIP.',
    en: 'The attachment is not a ZIP archive.',
  },
  E_ZIP_TRUNCATED: {
    fr: 'L’archive ZIP est tronquée (fichier incomplet).',
    en: 'The ZIP archive is truncated (incomplete file).',
  },
  E_ZIP_CORRUPT: {
    fr: 'L’archive ZIP est endommagée (structure, compression ou somme de contrôle incorrecte).',
    en: 'The ZIP archive is damaged (bad structure, compression or checksum).',
  },
  E_ZIP_ENCRYPTED: {
    fr: 'L’archive ZIP contient des fichiers chiffrés, qui ne peuvent pas être lus.',
    en: 'The ZIP archive contains encrypted files, which cannot be read.',
  },
  E_ZIP_UNSUPPORTED: {
    fr: 'L’archive ZIP utilise une méthode de compression ou un format non pris en charge.',
    en: 'The ZIP archive uses an unsupported compression method or format.',
  },
  E_ZIP_PATH_TRAVERSAL: {
    fr: 'L’archive ZIP contient un nom de fichier dangereux (« .. », chemin absolu, lecteur ou barre oblique inverse).',
    en: 'The ZIP archive contains a dangerous file name ("..", absolute path, drive letter or backslash).',
  },
  E_ZIP_DUPLICATE_NAME: {
    fr: 'L’archive ZIP contient deux fichiers du même nom.',
    en: 'The ZIP archive contains two files with the same name.',
  },
  E_ZIP_TOO_MANY_ENTRIES: {
    fr: 'L’archive ZIP contient trop de fichiers.',
    en: 'The ZIP archive contains too many files.',
  },
  E_ZIP_BOMB: {
    fr: 'L’archive ZIP a été refusée : sa taille décompressée ou son taux de compression dépasse les limites de sécurité.',
    en: 'The ZIP archive was refused: its uncompressed size or compression ratio exceeds the safety limits.',
  },
  E_XDM_NO_METADATA: {
    fr: 'L’archive n’est pas une archive IHE_XDM : le fichier IHE_XDM/<lot>/METADATA.XML est absent.',
    en: 'The archive is not an IHE_XDM archive: the IHE_XDM/<subset>/METADATA.XML file is missing.',
  },
  E_XDM_METADATA_INVALID: {
    fr: 'Le fichier METADATA.XML de l’archive IHE_XDM ne décrit pas correctement les documents.',
    en: 'The METADATA.XML file of the IHE_XDM archive does not describe the documents properly.',
  },
  E_XDM_DOCUMENT_MISSING: {
    fr: 'Un document décrit dans METADATA.XML est absent de l’archive IHE_XDM.',
    en: 'A document listed in METADATA.XML is missing from the IHE_XDM archive.',
  },
  E_XDM_TWO_PATIENTS: {
    fr: 'L’archive IHE_XDM concerne plusieurs patients ; un courriel MSSanté ne doit concerner qu’un seul usager.',
    en: 'The IHE_XDM archive concerns more than one patient; an MSSanté message must concern a single patient.',
  },
  E_XML_MALFORMED: {
    fr: 'Un fichier XML de l’archive est mal formé.',
    en: 'An XML file of the archive is not well-formed.',
  },
  E_XML_DOCTYPE: {
    fr: 'Un fichier XML contient une déclaration DOCTYPE ou d’entité, refusée par sécurité.',
    en: 'An XML file contains a DOCTYPE or entity declaration, refused for safety.',
  },
  E_XML_ENCODING: {
    fr: 'Un fichier XML utilise un encodage de caractères non pris en charge (UTF-8 ou ISO-8859-1 attendu).',
    en: 'An XML file uses an unsupported character encoding (UTF-8 or ISO-8859-1 expected).',
  },
  E_XML_TOO_DEEP: {
    fr: 'Un fichier XML imbrique trop d’éléments les uns dans les autres ; il est refusé par sécurité.',
    en: 'An XML file nests too many elements inside one another; it is refused for safety.',
  },
  E_XDM_XML_TOO_LARGE: {
    fr: 'Les fichiers XML de l’archive IHE_XDM (METADATA.XML et en-têtes CDA) dépassent ensemble la taille maximale examinée (2 Mio).',
    en: 'The XML files of the IHE_XDM archive (METADATA.XML and CDA headers) together exceed the maximum size inspected (2 MiB).',
  },
  E_CDA_INVALID: {
    fr: 'Un document de l’archive n’est pas un document CDA R2 exploitable.',
    en: 'A document of the archive is not a usable CDA R2 document.',
  },
  E_CDA_HEADER_TOO_LARGE: {
    fr: 'L’en-tête d’un document CDA dépasse la taille maximale acceptée.',
    en: 'The header of a CDA document exceeds the maximum accepted size.',
  },
  E_CDA_NO_PDF: {
    fr: 'Le document CDA ne contient pas de PDF encapsulé lisible (document de niveau 1 attendu).',
    en: 'The CDA document holds no readable embedded PDF (a level 1 document is expected).',
  },
  E_INS_FORMAT: {
    fr: 'Le matricule INS doit comporter 15 caractères : 13 chiffres (2A ou 2B possibles pour la Corse) et une clé de 2 chiffres.',
    en: 'The INS must have 15 characters: 13 digits (2A or 2B allowed for Corsica) and a 2-digit key.',
  },
  E_INS_KEY: {
    fr: 'La clé de contrôle du matricule INS est fausse : vérifiez la saisie.',
    en: 'The check key of the INS is wrong: check what was typed.',
  },
  E_INS_NOT_QUALIFIED: {
    fr: 'L’identité INS n’est pas qualifiée : l’adresse de messagerie du patient ne peut pas être construite.',
    en: 'The INS identity is not qualified: the patient mail address cannot be built.',
  },
  E_SUBJECT_INVALID: {
    fr: 'L’objet ne respecte pas le format MSSanté XDM/1.0/DDM+<libellé> <NOM> <PRÉNOM> [<JJ/MM/AAAA>].',
    en: 'The subject does not follow the MSSanté format XDM/1.0/DDM+<label> <NAME> <FIRST NAME> [<DD/MM/YYYY>].',
  },
  E_PDF_NAME_INVALID: {
    fr: 'Le nom du PDF ne respecte pas la convention <AAAAMMJJ>_<type>_<NOM>_<prénom>[_<dossier>].pdf.',
    en: 'The PDF name does not follow the convention <YYYYMMDD>_<type>_<NAME>_<first name>[_<file number>].pdf.',
  },
  E_HEADER_INVALID: {
    fr: 'Une valeur d’en-tête de courriel est invalide (caractère de contrôle, saut de ligne ou valeur vide).',
    en: 'A mail header value is invalid (control character, line break or empty value).',
  },
  // Composing a message (extension/background/compose)
  E_COMPOSE_PDF_MISSING: {
    fr: 'Le message porte une archive IHE_XDM sans la copie PDF/A de chacun de ses documents (ECO.2.1.1) : joignez les PDF (le panneau MSSanté propose ceux qu’un document N1 contient).',
    en: 'The message carries an IHE_XDM archive without the PDF/A copy of each of its documents (ECO.2.1.1): attach the PDFs (the MSSanté panel offers those an N1 document holds).',
  },
  E_COMPOSE_PATIENT_UNCHECKED: {
    fr: 'Cette adresse patient n’a pas été construite à partir d’un INS qualifié ni d’un NIR vérifié (ECO.2.2.6) : choisissez le patient dans le panneau MSSanté.',
    en: 'This patient address was built neither from a qualified INS nor from a checked NIR (ECO.2.2.6): choose the patient in the MSSanté panel.',
  },
  E_COMPOSE_APP_CONTACT: {
    fr: 'Une boîte applicative doit indiquer l’adresse MSSanté personnelle ou organisationnelle à contacter (ECO.2.2.5) : renseignez-la dans les options du module.',
    en: 'An application mailbox must give the personal or organisational MSSanté address to contact (ECO.2.2.5): set it in the add-on options.',
  },
  E_ADDRESS_INVALID: {
    fr: 'L’adresse de messagerie est invalide.',
    en: 'The mail address is invalid.',
  },
  E_FROM_LABEL_INVALID: {
    fr: 'Le libellé de l’expéditeur ne respecte pas ECO.2.2.7 (prénom et NOM obligatoires pour une BAL personnelle, entité pour une BAL organisationnelle ou applicative).',
    en: 'The sender label does not follow ECO.2.2.7 (first name and NAME required for a personal mailbox, entity for an organisational or application mailbox).',
  },
  E_AUTOCONFIG_INVALID: {
    fr: 'Le fichier d’autoconfiguration (config-v1.1.xml) est invalide ou ne décrit pas de serveur IMAP et SMTP.',
    en: 'The autoconfiguration file (config-v1.1.xml) is invalid or describes no IMAP and SMTP server.',
  },
  // Autoconfig download (native-host/autoconfig, ECO.1.1.9)
  E_AUTOCONFIG_HTTP_STATUS: {
    fr: 'Le serveur d’autoconfiguration n’a pas fourni le fichier config-v1.1.xml (réponse HTTP autre que 200).',
    en: 'The autoconfiguration server did not provide config-v1.1.xml (HTTP answer other than 200).',
  },
  E_AUTOCONFIG_REDIRECT: {
    fr: 'Le serveur d’autoconfiguration redirige ailleurs : les redirections sont refusées, le fichier doit venir de autoconfig.<domaine>.',
    en: 'The autoconfiguration server redirects elsewhere: redirects are refused, the file must come from autoconfig.<domain>.',
  },
  E_AUTOCONFIG_TOO_LARGE: {
    fr: 'Le fichier d’autoconfiguration dépasse la taille maximale autorisée.',
    en: 'The autoconfiguration file exceeds the maximum allowed size.',
  },
  E_AUTOCONFIG_TIMEOUT: {
    fr: 'Le serveur d’autoconfiguration n’a pas répondu à temps.',
    en: 'The autoconfiguration server did not answer in time.',
  },
  E_AUTOCONFIG_NO_SERVER_FOR_TYPE: {
    fr: 'Le fichier d’autoconfiguration ne propose pour ce type de BAL aucun serveur IMAP et SMTP avec l’authentification qu’il exige (OAuth2 pour une BAL personnelle ou organisationnelle, TLS-client-cert pour une BAL applicative).',
    en: 'The autoconfiguration file offers no IMAP and SMTP server with the authentication this mailbox type requires (OAuth2 for a personal or organisational mailbox, TLS-client-cert for an application mailbox).',
  },
  E_AUTOCONFIG_NOT_MSSANTE: {
    fr: 'Le fichier d’autoconfiguration ne décrit pas une messagerie MSSanté : IMAP et SMTP avec STARTTLS pour ce domaine sont exigés (ECO.1.0.1, ECO.1.0.2).',
    en: 'The autoconfiguration file does not describe an MSSanté mailbox: IMAP and SMTP with STARTTLS for this domain are required (ECO.1.0.1, ECO.1.0.2).',
  },
  E_FILE_UNREADABLE: {
    fr: 'Le fichier est introuvable ou illisible.',
    en: 'The file cannot be found or read.',
  },
  E_XOAUTH2_INVALID: {
    fr: 'L’adresse ou le jeton ne peut pas être utilisé pour l’authentification XOAUTH2.',
    en: 'The address or token cannot be used for XOAUTH2 authentication.',
  },
  // Trust and TLS policy for upstream servers (native-host/trust, ECO.1.1.x)
  E_UPSTREAM_UNREACHABLE: {
    fr: 'Le serveur de l’opérateur MSSanté est injoignable.',
    en: 'The MSSanté operator server cannot be reached.',
  },
  E_UPSTREAM_PROTOCOL: {
    fr: 'Le serveur de l’opérateur a répondu d’une manière inattendue ; la connexion a été fermée.',
    en: 'The operator server answered in an unexpected way; the connection was closed.',
  },
  E_CONNECTION_TEST_TIMEOUT: {
    fr: 'Le serveur de l’opérateur n’a pas répondu à temps pendant le test de connexion ; réessayez, ou vérifiez le serveur et le port.',
    en: 'The operator server did not answer in time during the connection test; try again, or check the server and port.',
  },
  E_STARTTLS_UNAVAILABLE: {
    fr: 'Le serveur ne propose pas STARTTLS : aucune connexion non chiffrée n’est permise (ECO.1.0.1, ECO.1.0.2).',
    en: 'The server does not offer STARTTLS: unencrypted connections are not allowed (ECO.1.0.1, ECO.1.0.2).',
  },
  E_STARTTLS_REFUSED: {
    fr: 'Le serveur a refusé STARTTLS : connexion abandonnée avant toute authentification.',
    en: 'The server refused STARTTLS: connection abandoned before any authentication.',
  },
  E_TLS_VERSION: {
    fr: 'Le serveur n’accepte ni TLS 1.2 ni TLS 1.3 (ECO.1.1.1, ECO.1.1.2).',
    en: 'The server accepts neither TLS 1.2 nor TLS 1.3 (ECO.1.1.1, ECO.1.1.2).',
  },
  E_TLS_SUITE: {
    fr: 'Le serveur n’accepte aucune des six suites de chiffrement autorisées par le Référentiel (ECO.1.1.3).',
    en: 'The server accepts none of the six cipher suites the Référentiel allows (ECO.1.1.3).',
  },
  E_TLS_DH_TOO_SMALL: {
    fr: 'Le groupe Diffie-Hellman du serveur fait moins de 2048 bits (ECO.1.1.3).',
    en: 'The server Diffie-Hellman group is smaller than 2048 bits (ECO.1.1.3).',
  },
  E_TLS_ECDH_TOO_SMALL: {
    fr: 'La courbe ECDHE du serveur fait moins de 256 bits (ECO.1.1.3).',
    en: 'The server ECDHE curve is smaller than 256 bits (ECO.1.1.3).',
  },
  E_TLS_HANDSHAKE: {
    fr: 'La négociation TLS avec le serveur a échoué.',
    en: 'The TLS handshake with the server failed.',
  },
  E_TRUST_AUTOCONFIG_UNKNOWN_CA: {
    fr: 'Le certificat du serveur d’autoconfiguration n’est émis ni par l’IGC Santé ni par une autorité de certification commerciale reconnue (celles du magasin par défaut de Node) (ECO.1.1.9).',
    en: 'The autoconfiguration server certificate is issued neither by IGC Santé nor by a recognised commercial certification authority (those of Node’s default store) (ECO.1.1.9).',
  },
  E_TRUST_UNKNOWN_CA: {
    fr: 'Le certificat du serveur n’est pas émis par l’IGC Santé (ECO.1.1.10).',
    en: 'The server certificate is not issued by IGC Santé (ECO.1.1.10).',
  },
  E_TRUST_NOT_ORGANISATIONS_CA: {
    fr: 'Le certificat du serveur n’est pas émis par l’AC IGC-Santé Élémentaire Organisations (ECO.1.1.10).',
    en: 'The server certificate is not issued by the IGC-Santé Élémentaire Organisations CA (ECO.1.1.10).',
  },
  E_TRUST_EXPIRED: {
    fr: 'Le certificat du serveur a expiré (ECO.1.1.5).',
    en: 'The server certificate has expired (ECO.1.1.5).',
  },
  E_TRUST_NOT_YET_VALID: {
    fr: 'Le certificat du serveur n’est pas encore valide.',
    en: 'The server certificate is not valid yet.',
  },
  E_TRUST_HOSTNAME: {
    fr: 'Le certificat du serveur ne correspond pas à son nom.',
    en: 'The server certificate does not match its name.',
  },
  E_TRUST_KEY_USAGE: {
    fr: 'Le certificat du serveur n’est pas un certificat d’authentification serveur.',
    en: 'The server certificate is not a server authentication certificate.',
  },
  E_TRUST_REVOKED: {
    fr: 'Le certificat du serveur est révoqué (ECO.1.1.6).',
    en: 'The server certificate is revoked (ECO.1.1.6).',
  },
  E_TRUST_REVOCATION_UNKNOWN: {
    fr: 'Impossible de vérifier que le certificat du serveur n’est pas révoqué : ni liste de révocation valide ni réponse OCSP (ECO.1.1.6, ECO.1.1.7).',
    en: 'Cannot check that the server certificate is not revoked: no valid revocation list and no OCSP answer (ECO.1.1.6, ECO.1.1.7).',
  },
  E_TRUST_CONFIG: {
    fr: 'Les certificats de confiance IGC Santé configurés sont invalides.',
    en: 'The configured IGC Santé trust anchors are invalid.',
  },
  // Pro Santé Connect session (native-host/psc, ECO.1.2.x)
  E_PSC_UNREACHABLE: {
    fr: 'Pro Santé Connect est injoignable ; réessayez dans un instant.',
    en: 'Pro Santé Connect cannot be reached; try again in a moment.',
  },
  E_PSC_DISCOVERY: {
    fr: 'La configuration publiée par Pro Santé Connect est invalide ou ne correspond pas à l’émetteur attendu.',
    en: 'The configuration published by Pro Santé Connect is invalid or does not match the expected issuer.',
  },
  E_PSC_LOGIN_FAILED: {
    fr: 'La connexion Pro Santé Connect a échoué.',
    en: 'The Pro Santé Connect sign-in failed.',
  },
  E_PSC_LOGIN_DENIED: {
    fr: 'La connexion Pro Santé Connect a été refusée (par vous sur l’application e-CPS, ou par PSC).',
    en: 'The Pro Santé Connect sign-in was denied (by you in the e-CPS app, or by PSC).',
  },
  E_PSC_LOGIN_TIMEOUT: {
    fr: 'La connexion Pro Santé Connect n’a pas été terminée à temps.',
    en: 'The Pro Santé Connect sign-in was not completed in time.',
  },
  E_PSC_ACR: {
    fr: 'Pro Santé Connect n’a pas garanti un niveau d’authentification eIDAS (eidas1 ou plus).',
    en: 'Pro Santé Connect did not assert an eIDAS authentication level (eidas1 or higher).',
  },
  // The intermediate LPS server (lps-server/) and the host's session with it
  E_LPS_UNREACHABLE: {
    fr: 'Le serveur LPS intermédiaire est injoignable : la connexion Pro Santé Connect est impossible pour l’instant ; le courrier déjà téléchargé reste lisible.',
    en: 'The intermediate LPS server cannot be reached: signing in to Pro Santé Connect is not possible for now; mail already downloaded stays readable.',
  },
  E_LPS_SESSION_LOST: {
    fr: 'Le serveur LPS intermédiaire ne connaît plus votre session (redémarrage ou fin de session) : reconnectez-vous à Pro Santé Connect.',
    en: 'The intermediate LPS server no longer knows your session (restart or session end): sign in to Pro Santé Connect again.',
  },
  E_LPS_REQUEST_INVALID: {
    fr: 'La requête envoyée au serveur LPS intermédiaire est invalide ; elle a été refusée.',
    en: 'The request sent to the intermediate LPS server is invalid; it was refused.',
  },
  E_LPS_REQUEST_TOO_LARGE: {
    fr: 'La requête envoyée au serveur LPS intermédiaire est trop grande ; elle a été refusée.',
    en: 'The request sent to the intermediate LPS server is too large; it was refused.',
  },
  E_LPS_BUSY: {
    fr: 'Le serveur LPS intermédiaire a atteint son nombre maximal de sessions ; réessayez plus tard.',
    en: 'The intermediate LPS server has reached its maximum number of sessions; try again later.',
  },
  E_LPS_PROTOCOL: {
    fr: 'Le serveur LPS intermédiaire a répondu de façon inattendue (protocole) ; vérifiez que l’hôte et le serveur sont à jour.',
    en: 'The intermediate LPS server answered unexpectedly (protocol); check that the host and the server are up to date.',
  },
  E_LPS_CONFIG: {
    fr: 'La configuration du serveur LPS intermédiaire est invalide : corrigez le champ indiqué (voir docs/lps-server.md).',
    en: 'The intermediate LPS server configuration is invalid: correct the field shown (see docs/lps-server.md).',
  },
  E_PSC_NOT_SIGNED_IN: {
    fr: 'Vous n’êtes pas connecté à Pro Santé Connect.',
    en: 'You are not signed in to Pro Santé Connect.',
  },
  E_PSC_REFRESH_INVALID: {
    fr: 'Votre session Pro Santé Connect a pris fin (déconnexion, durée maximale ou révocation) : les connexions MSSanté ont été fermées (ECO.1.2.6).',
    en: 'Your Pro Santé Connect session has ended (sign-out, maximum duration or revocation): MSSanté connections were closed (ECO.1.2.6).',
  },
  E_PSC_SESSION_IDLE: {
    fr: 'Votre session Pro Santé Connect a expiré après 15 minutes d’inactivité.',
    en: 'Your Pro Santé Connect session expired after 15 minutes of inactivity.',
  },
  E_PSC_SESSION_MAX: {
    fr: 'Votre session Pro Santé Connect a atteint sa durée maximale de 4 heures.',
    en: 'Your Pro Santé Connect session reached its 4-hour maximum.',
  },
  E_PSC_SIGNED_OUT: {
    fr: 'Vous vous êtes déconnecté de Pro Santé Connect.',
    en: 'You signed out of Pro Santé Connect.',
  },
  E_PSC_CLIENT_AUTH: {
    fr: 'Pro Santé Connect a refusé l’authentification de l’hôte (secret, clé privée ou certificat client du fichier config.json) : vérifiez psc.auth.',
    en: 'Pro Santé Connect refused the host’s client authentication (secret, private key or client certificate from config.json): check psc.auth.',
  },
  // API LPS bridge (native-host/bridge, ECO.1.2.x, 1.3.1)
  E_UPSTREAM_AUTH: {
    fr: 'Le serveur MSSanté de l’opérateur a refusé l’authentification.',
    en: 'The operator MSSanté server refused the authentication.',
  },
  E_BRIDGE_LOCAL_AUTH: {
    fr: 'Identifiants locaux incorrects pour cette boîte MSSanté : recréez le compte depuis le module.',
    en: 'Wrong local credentials for this MSSanté mailbox: recreate the account from the add-on.',
  },
  E_BRIDGE_PORT_TAKEN: {
    fr: 'Un autre programme occupe le port local de cette boîte MSSanté : l’hôte refuse de s’y substituer. Fermez ce programme (ou redémarrez l’ordinateur) puis rouvrez Thunderbird.',
    en: 'Another program holds this MSSanté mailbox’s local port: the host refuses to stand in for it elsewhere. Close that program (or restart the computer), then reopen Thunderbird.',
  },
  E_BRIDGE_PEER_REFUSED: {
    fr: 'Connexion locale refusée : elle venait d’un autre utilisateur de cet ordinateur que celui de Thunderbird.',
    en: 'Local connection refused: it came from another user of this computer than Thunderbird’s.',
  },
  E_BRIDGE_CLOSED: {
    fr: 'La connexion MSSanté a été fermée par le module.',
    en: 'The MSSanté connection was closed by the add-on.',
  },
  E_BRIDGE_LINE_TOO_LONG: {
    fr: 'Connexion locale MSSanté fermée : une ligne trop longue (ou des données sans fin de ligne) est arrivée avant l’authentification.',
    en: 'Local MSSanté connection closed: a line too long (or data without an end of line) arrived before authentication.',
  },
  E_BRIDGE_NOT_MAIL: {
    fr: 'Connexion locale MSSanté fermée : ce port n’accepte que la messagerie (IMAP ou SMTP), pas une requête web.',
    en: 'Local MSSanté connection closed: this port only speaks mail (IMAP or SMTP), not a web request.',
  },
  E_BRIDGE_LITERAL_REFUSED: {
    fr: 'Connexion locale MSSanté : les littéraux IMAP ne sont pas acceptés avant l’authentification.',
    en: 'Local MSSanté connection: IMAP literals are not accepted before authentication.',
  },
  E_BRIDGE_TOO_MANY_CONNECTIONS: {
    fr: 'Trop de connexions locales ouvertes sur cette boîte MSSanté ; fermez-en puis réessayez.',
    en: 'Too many local connections are open on this MSSanté mailbox; close some and try again.',
  },
  E_SMTP_MESSAGE_TOO_LARGE: {
    fr: 'Le message dépasse la taille maximale acceptée par l’opérateur MSSanté (en-têtes ajoutés par le module compris) : allégez-le, par exemple en retirant ou en compressant des pièces jointes.',
    en: 'The message exceeds the maximum size the MSSanté operator accepts (headers added by the add-on included): make it smaller, e.g. by removing or compressing attachments.',
  },
  // APP mailboxes: the ORG AUTH_CLI certificate (native-host/app, native-host/bridge, ECO.1.3.1)
  E_APP_PKCS12_PASSWORD: {
    fr: 'Le mot de passe ne permet pas d’ouvrir le fichier PKCS#12 du certificat ORG AUTH_CLI.',
    en: 'The password does not open the ORG AUTH_CLI certificate’s PKCS#12 file.',
  },
  E_APP_PKCS12_INVALID: {
    fr: 'Ce fichier n’est pas un PKCS#12 (.p12, .pfx) lisible contenant un certificat et sa clé privée.',
    en: 'This file is not a readable PKCS#12 (.p12, .pfx) holding a certificate and its private key.',
  },
  E_APP_CERT_NOT_ORGANISATIONS: {
    fr: 'Ce certificat n’est pas délivré par l’AC IGC Santé Élémentaire Organisations du jeu de confiance choisi : ce n’est pas un certificat ORG AUTH_CLI accepté.',
    en: 'This certificate is not issued by the IGC Santé Élémentaire Organisations CA of the selected trust set: it is not an accepted ORG AUTH_CLI certificate.',
  },
  E_APP_CERT_EXPIRED: {
    fr: 'Le certificat ORG AUTH_CLI n’est pas en cours de validité (expiré ou pas encore valide).',
    en: 'The ORG AUTH_CLI certificate is not currently valid (expired or not yet valid).',
  },
  E_APP_CERT_USAGE: {
    fr: 'Ce certificat n’est pas un certificat d’authentification client (AUTH_CLI : usage clientAuth et signature numérique).',
    en: 'This certificate is not a client authentication certificate (AUTH_CLI: clientAuth usage and digital signature).',
  },
  E_APP_CERT_NO_IDNAT: {
    fr: 'Le certificat ORG AUTH_CLI ne porte pas l’IdNat de la structure dans le champ OU de son sujet.',
    en: 'The ORG AUTH_CLI certificate does not carry the organisation’s IdNat in the OU field of its subject.',
  },
  E_APP_CERT_REFUSED: {
    fr: 'L’opérateur MSSanté a refusé le certificat ORG AUTH_CLI de la boîte applicative.',
    en: 'The MSSanté operator refused the application mailbox’s ORG AUTH_CLI certificate.',
  },
  E_APP_TLS13_REQUIRED: {
    fr: 'Le serveur de l’opérateur MSSanté ne propose pas TLS 1.3 : le certificat ORG AUTH_CLI d’une boîte applicative n’est présenté que sous TLS 1.3, où il voyage chiffré. Demandez à l’opérateur d’activer TLS 1.3.',
    en: 'The MSSanté operator’s server does not offer TLS 1.3: an application mailbox’s ORG AUTH_CLI certificate is only presented over TLS 1.3, where it travels encrypted. Ask the operator to enable TLS 1.3.',
  },
  E_APP_LOGIN_REFUSED: {
    fr: 'L’opérateur MSSanté a refusé la connexion de la boîte applicative : le certificat ORG AUTH_CLI ne correspond pas à cette boîte ou n’est pas accepté.',
    en: 'The MSSanté operator refused the application mailbox’s login: the ORG AUTH_CLI certificate does not match this mailbox or is not accepted.',
  },
  E_APP_SECRET_UNREADABLE: {
    fr: 'Le certificat de la boîte applicative ne peut plus être déchiffré sur cet hôte ; importez à nouveau le fichier PKCS#12.',
    en: 'The application mailbox’s certificate can no longer be decrypted on this host; import the PKCS#12 file again.',
  },
  // Host configuration (native-host/app)
  E_CONFIG_MISSING: {
    fr: 'Pro Santé Connect et la confiance IGC Santé ne sont pas configurés sur l’hôte : complétez son fichier config.json (voir docs/configuration.md).',
    en: 'Pro Santé Connect and IGC Santé trust are not configured on the host: complete its config.json (see docs/configuration.md).',
  },
  E_CONFIG_INVALID: {
    fr: 'Le fichier config.json de l’hôte est invalide : corrigez le champ indiqué (voir docs/configuration.md).',
    en: 'The host’s config.json is invalid: correct the field shown (see docs/configuration.md).',
  },
  E_CONFIG_INSECURE: {
    fr: 'Un fichier de clé privée nommé dans config.json est lisible par d’autres utilisateurs : limitez-le à son propriétaire (chmod 600).',
    en: 'A private key file named in config.json is readable by other users: restrict it to its owner (chmod 600).',
  },
  E_CONFIG_READABLE: {
    fr: 'Le fichier config.json de l’hôte, qui contient le secret client Pro Santé Connect, est accessible à d’autres utilisateurs : l’hôte refuse de le lire. Exécutez la commande indiquée (chmod 600 sur config.json), puis réessayez.',
    en: 'The host’s config.json, which holds the Pro Santé Connect client secret, is accessible to other users: the host refuses to read it. Run the command shown (chmod 600 on config.json), then try again.',
  },
  E_MAILBOX_UNKNOWN: {
    fr: 'Cette boîte MSSanté n’est pas configurée dans le module.',
    en: 'This MSSanté mailbox is not configured in the add-on.',
  },
  // Audit journal under faults and its keyed head (native-host/audit, issue 19.5)
  E_AUDIT_WRITE_FAILED: {
    fr: 'L’hôte n’a pas pu écrire le journal d’audit (disque plein ou erreur d’écriture) : cette session est fermée, rien n’est transmis sans être journalisé. Libérez de la place puis reconnectez-vous.',
    en: 'The host could not write the audit journal (disk full or write error): this session is closed, nothing is relayed unjournaled. Free some space, then reconnect.',
  },
  E_STATE_LOCKED: {
    fr: 'Un autre hôte MSSanté utilise déjà ce dossier d’état (un autre profil Thunderbird ouvert ?) : fermez-le, puis réessayez.',
    en: 'Another MSSanté host already uses this state folder (another Thunderbird profile open?): close it, then try again.',
  },
  E_AUDIT_TRUNCATED: {
    fr: 'Les dernières entrées du journal d’audit ont été supprimées : l’en-tête signé du journal annonce des entrées absentes des fichiers.',
    en: 'The newest entries of the audit journal were removed: the journal’s signed head names entries missing from the files.',
  },
  E_AUDIT_PRUNED_FORGED: {
    fr: 'Le fichier pruned.json du journal d’audit n’a pas été écrit par cet hôte (signature absente ou fausse) : la purge du journal a pu être falsifiée.',
    en: 'The audit journal’s pruned.json was not written by this host (missing or wrong signature): the journal’s pruning may have been forged.',
  },
  E_AUDIT_HEAD_INVALID: {
    fr: 'L’en-tête signé du journal d’audit (head.json) est absent, faux, ou ne correspond pas aux dernières entrées.',
    en: 'The audit journal’s signed head (head.json) is missing, wrong, or does not match the newest entries.',
  },
  E_AUDIT_CHAIN_BROKEN: {
    fr: 'Le chaînage du journal d’audit est rompu : une entrée a été modifiée, supprimée, déplacée ou insérée.',
    en: 'The audit journal’s hash chain is broken: an entry was changed, removed, moved or inserted.',
  },
  // Annuaire offline index (native-host/annuaire, ECO.3.1.4)
  E_ANNUAIRE_EXTRACTION_HEADER: {
    fr: 'Ce fichier n’est pas une extraction publique de l’Annuaire Santé MSSanté : sa ligne d’en-tête ne contient pas les colonnes attendues.',
    en: 'This file is not a public extraction of the MSSanté Annuaire Santé: its header line lacks the expected columns.',
  },
  E_ANNUAIRE_EXTRACTION_NOT_FOUND: {
    fr: 'L’archive ZIP ne contient pas de fichier Extraction_Correspondance_MSSante*.txt.',
    en: 'The ZIP archive contains no Extraction_Correspondance_MSSante*.txt file.',
  },
  E_ANNUAIRE_OFFLINE_NO_INDEX: {
    fr: 'Aucun index hors ligne de l’Annuaire Santé : importez d’abord le fichier d’extraction (« mssante annuaire import FICHIER »).',
    en: 'No offline Annuaire Santé index: import the extraction file first ("mssante annuaire import FILE").',
  },
  E_ANNUAIRE_OFFLINE_INDEX_INVALID: {
    fr: 'L’index hors ligne de l’Annuaire Santé est illisible ; importez à nouveau le fichier d’extraction.',
    en: 'The offline Annuaire Santé index cannot be read; import the extraction file again.',
  },
  E_ANNUAIRE_OFFLINE_UNAVAILABLE: {
    fr: 'L’index hors ligne de l’Annuaire Santé n’est pas disponible dans ce paquet de l’hôte (module SQLite absent) ; la recherche LDAP reste disponible.',
    en: 'The offline Annuaire Santé index is not available in this host package (SQLite module missing); LDAP search still works.',
  },
  E_ANNUAIRE_IMPORT_FAILED: {
    fr: 'L’import du fichier d’extraction de l’Annuaire Santé a échoué ; l’index précédent reste utilisé.',
    en: 'Importing the Annuaire Santé extraction file failed; the previous index stays in use.',
  },
  // Annuaire Santé over LDAP (native-host/annuaire)
  E_ANNUAIRE_NO_CRITERIA: {
    fr: 'Indiquez au moins un critère de recherche dans l’Annuaire Santé.',
    en: 'Give at least one Annuaire Santé search criterion.',
  },
  E_ANNUAIRE_UNREACHABLE: {
    fr: 'L’Annuaire Santé (LDAP) est injoignable ; vérifiez la connexion réseau ou l’adresse du serveur.',
    en: 'The Annuaire Santé (LDAP) cannot be reached; check the network connection or the server address.',
  },
  E_ANNUAIRE_TIMEOUT: {
    fr: 'L’Annuaire Santé (LDAP) n’a pas répondu à temps ; réessayez ou précisez la recherche.',
    en: 'The Annuaire Santé (LDAP) did not answer in time; try again or narrow the search.',
  },
  E_ANNUAIRE_LDAP_FAILED: {
    fr: 'L’Annuaire Santé (LDAP) a refusé la recherche.',
    en: 'The Annuaire Santé (LDAP) refused the search.',
  },
  E_ANNUAIRE_URL_INVALID: {
    fr: 'L’adresse du serveur de l’Annuaire Santé doit être une URL ldap:// ou ldaps://.',
    en: 'The Annuaire Santé server address must be an ldap:// or ldaps:// URL.',
  },
  E_ANNUAIRE_CRITERIA_INVALID: {
    fr: 'Un critère de recherche de l’Annuaire Santé est invalide (trop long ou type de BAL inconnu).',
    en: 'An Annuaire Santé search criterion is invalid (too long, or unknown mailbox type).',
  },
  E_ANNUAIRE_TLS_UNTRUSTED: {
    fr: 'Connexion ldaps:// à l’Annuaire Santé refusée : aucune autorité IGC Santé n’est configurée pour vérifier le serveur (le magasin de certificats du système n’est jamais utilisé).',
    en: 'ldaps:// connection to the Annuaire Santé refused: no IGC Santé authority is configured to verify the server (the system certificate store is never used).',
  },
  // Conformance report and live check (native-host/conformance)
  E_CONFORMANCE_CONFIG: {
    fr: 'Le fichier de configuration de la vérification en direct est invalide (voir docs/conformance.md).',
    en: 'The live check configuration file is invalid (see docs/conformance.md).',
  },
  E_CONFORMANCE_NO_REPORT: {
    fr: 'Aucun rapport de conformité n’a encore été produit : lancez « npm run conformance ».',
    en: 'No conformance report has been produced yet: run "npm run conformance".',
  },
  // Receiving mail in Thunderbird (extension/background/receive)
  E_RECEIVE_ATTACHMENT_TOO_LARGE: {
    fr: 'La pièce jointe est trop volumineuse pour être examinée comme une archive IHE_XDM (plus de 64 Mio).',
    en: 'The attachment is too large to be inspected as an IHE_XDM archive (over 64 MiB).',
  },
  E_RECEIVE_INSPECTION_TIMEOUT: {
    fr: 'L’examen de la pièce jointe comme archive IHE_XDM a pris trop de temps ; il a été interrompu par sécurité.',
    en: 'Inspecting the attachment as an IHE_XDM archive took too long; it was stopped for safety.',
  },
  E_RECEIVE_NO_MESSAGE: {
    fr: 'Le message affiché n’est plus disponible.',
    en: 'The displayed message is no longer available.',
  },
  E_RECEIVE_PATIENT_CONFLICT: {
    fr: 'Un message ou une archive donne pour un patient connu une autre identité que celle enregistrée : l’identité enregistrée est gardée, le panneau MSSanté de la rédaction vous demande laquelle retenir.',
    en: 'A message or an archive gives a known patient another identity than the stored one: the stored identity is kept, the MSSanté compose panel asks you which one to keep.',
  },
  E_RECEIVE_REPORT_REFUSED: {
    fr: 'Un accusé de remise ou de lecture a été ignoré : il ne nomme aucun destinataire du message envoyé, ou son expéditeur n’est pas le destinataire dont il annonce la lecture.',
    en: 'A delivery or read report was ignored: it names no recipient of the sent message, or its sender is not the recipient whose reading it reports.',
  },
  E_PAGE_SENDER_REFUSED: {
    fr: 'Une demande venant d’une page qui n’est pas celle du module MSSanté a été refusée.',
    en: 'A request from a page that is not one of the MSSanté add-on’s was refused.',
  },
  // PDF/A-1 copies of N3 documents (shared/domain/pdf)
  E_PDFA_NOT_N3: {
    fr: 'Seul un document CDA de niveau 3 (corps structuré) peut être transcrit en PDF/A ; un document N1 joint le PDF qu’il contient.',
    en: 'Only a level 3 CDA document (structured body) can be rendered as PDF/A; an N1 document attaches the PDF it holds.',
  },
  E_PDFA_TOO_LARGE: {
    fr: 'Le document CDA est trop volumineux pour être transcrit en PDF/A (texte ou nombre de pages au-delà des limites).',
    en: 'The CDA document is too large to be rendered as PDF/A (text or page count beyond the limits).',
  },
  E_PDFA_TOO_DEEP: {
    fr: 'Le document CDA imbrique trop d’éléments pour être transcrit en PDF/A.',
    en: 'The CDA document nests too many elements to be rendered as PDF/A.',
  },
  E_PDFA_FONT: {
    fr: 'La police du PDF/A n’a pas pu être chargée.',
    en: 'The PDF/A font could not be loaded.',
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
