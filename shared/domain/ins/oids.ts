/** OIDs under which a CDA header or XDS metadata carries an INS (Référentiel INS, CI-SIS). */
export const INS_OIDS = {
  '1.2.250.1.213.1.4.8': 'INS-NIR',
  '1.2.250.1.213.1.4.9': 'INS-NIA',
  '1.2.250.1.213.1.4.10': 'INS-NIR-TEST',
  '1.2.250.1.213.1.4.11': 'INS-NIR-DEMO',
} as const;

export type InsOid = keyof typeof INS_OIDS;
export type InsOidKind = (typeof INS_OIDS)[InsOid];

export function isInsOid(oid: string | undefined): oid is InsOid {
  return oid !== undefined && Object.hasOwn(INS_OIDS, oid);
}
