/** The add-on's id (manifest.json browser_specific_settings.gecko.id). */
export const ADDON_ID = 'mssante@open-mssante.fr';

/** The native messaging host's name, as in runtime.connectNative() and the host manifest. */
export const HOST_NAME = 'fr.open_mssante.host';

/** The host's product name, shown to the user. */
export const HOST_PRODUCT = 'open-mssante-host';
