/**
 * Test data for the sandbox Annuaire generator: professions with codes from the real
 * nomenclature (TRE_G15 profession codes, TRE_R38 specialities for physicians), French-looking
 * names (accents, hyphens, apostrophes), cities with their postal code and department, street
 * types and organisation kinds. Every person and structure built from these is fictitious.
 */

export interface Profession {
  code: string;
  label: string;
  /** Savoir-faire (speciality) choices; empty when the profession has none in our data. */
  specialities: Array<{ code: string; label: string }>;
  /** Relative frequency in the generated directory. */
  weight: number;
  /** Civilité d'exercice: DR for the medical professions, M/MME otherwise. */
  doctorTitle: boolean;
}

export const PROFESSIONS: Profession[] = [
  {
    code: '10',
    label: 'Médecin',
    specialities: [
      { code: 'SM54', label: 'Médecine générale' },
      { code: 'SM04', label: 'Cardiologie et maladies vasculaires' },
      { code: 'SM15', label: 'Dermatologie et vénéréologie' },
      { code: 'SM40', label: 'Pédiatrie' },
      { code: 'SM42', label: 'Psychiatrie' },
      { code: 'SM38', label: 'Ophtalmologie' },
      { code: 'SM20', label: 'Gynécologie-obstétrique' },
      { code: 'SM02', label: 'Anesthésie-réanimation' },
    ],
    weight: 40,
    doctorTitle: true,
  },
  { code: '40', label: 'Chirurgien-dentiste', specialities: [], weight: 10, doctorTitle: true },
  { code: '50', label: 'Pharmacien', specialities: [], weight: 12, doctorTitle: true },
  { code: '60', label: 'Infirmier', specialities: [], weight: 22, doctorTitle: false },
  {
    code: '70',
    label: 'Masseur-kinésithérapeute',
    specialities: [],
    weight: 10,
    doctorTitle: false,
  },
  { code: '21', label: 'Sage-femme', specialities: [], weight: 6, doctorTitle: false },
];

/** First names with their civility (M / MME). */
export const FIRST_NAMES: Array<{ name: string; civility: 'M' | 'MME' }> = [
  ...[
    'Jean-Pierre',
    'François',
    'Loïc',
    'Jérôme',
    'Noël',
    'Thomas',
    'Nicolas',
    'Hervé',
    'Benoît',
    'Gaël',
    'Mathéo',
    'Joël',
    'Rémi',
    'Stéphane',
    'Cédric',
    'Antoine',
    'Jean-Baptiste',
    'Léon',
    'Hugo',
    'Karim',
    'Yannick',
    'Frédéric',
    'Étienne',
    'Lucas',
    'Paul-Henri',
    'Aurélien',
    'Grégoire',
    'Théo',
    'Maxime',
    'Éric',
  ].map((name) => ({ name, civility: 'M' as const })),
  ...[
    'Anaïs',
    'Hélène',
    'Zoé',
    'Gaëlle',
    'Cécile',
    'Maëlys',
    'Béatrice',
    'Chloé',
    'Émilie',
    'Anne-Sophie',
    'Sophie',
    'Léa',
    'Inès',
    'Noémie',
    'Clémence',
    'Marie-Claire',
    'Agnès',
    'Mélanie',
    'Camille',
    'Juliette',
    'Océane',
    'Françoise',
    'Aurélie',
    'Nadia',
    'Laëtitia',
    'Solène',
    'Margaux',
    'Élise',
    'Joséphine',
    'Manon',
  ].map((name) => ({ name, civility: 'MME' as const })),
];

export const LAST_NAMES = [
  'DUBOIS',
  'MOREAU',
  'GARNIER',
  'FAURE',
  'ROUSSEAU',
  'BLANC',
  'GUÉRIN',
  'MULLER',
  'HENRY',
  'ROUSSEL',
  'PERRIN',
  'MOREL',
  'GIRARD',
  'ANDRÉ',
  'MERCIER',
  'DUPONT',
  'LAMBERT',
  'BONNET',
  'FRANÇOIS',
  'LEGRAND',
  'CHEVALIER',
  'ROBIN',
  'MASSON',
  'GÉRARD',
  'NGUYEN',
  'BOYER',
  'LEMAIRE',
  'DUVAL',
  'GAUTIER',
  'ROCHE',
  'NOËL',
  'MEYER',
  'MEUNIER',
  'MARCHAND',
  'DUFOUR',
  'BLANCHARD',
  'BARBIER',
  'BRUNET',
  'SCHMITT',
  'LEROUX',
  'COLIN',
  'RENARD',
  'ARNAUD',
  'CARON',
  'AUBERT',
  'GIRAUD',
  'LECLERC',
  'VIDAL',
  'BOURGEOIS',
  'LEMOINE',
  'PICARD',
  'GAILLARD',
  'LACROIX',
  'FABRE',
  'DUPUIS',
  'HUBERT',
  'RIVIÈRE',
  'LE GALL',
  'LE ROUX',
  'DA SILVA',
  "D'ALMEIDA",
  'BENOÎT',
  'PRÉVOST',
  'FLEURY',
  'DESCHAMPS',
  'CARPENTIER',
  'MAILLARD',
  'LEFEBVRE-MARTIN',
  'SAINT-ANDRÉ',
  'DUPRÉ-LAVAL',
  'BÉRANGER',
  'CHÂTELAIN',
  'MÉNARD',
  'LAÏK',
  'BŒUF',
];

export interface City {
  postalCode: string;
  city: string;
  department: string;
}

export const CITIES: City[] = [
  { postalCode: '75012', city: 'Paris', department: '75' },
  { postalCode: '75014', city: 'Paris', department: '75' },
  { postalCode: '69003', city: 'Lyon', department: '69' },
  { postalCode: '13005', city: 'Marseille', department: '13' },
  { postalCode: '31000', city: 'Toulouse', department: '31' },
  { postalCode: '33000', city: 'Bordeaux', department: '33' },
  { postalCode: '59000', city: 'Lille', department: '59' },
  { postalCode: '44000', city: 'Nantes', department: '44' },
  { postalCode: '67000', city: 'Strasbourg', department: '67' },
  { postalCode: '34000', city: 'Montpellier', department: '34' },
  { postalCode: '35000', city: 'Rennes', department: '35' },
  { postalCode: '06000', city: 'Nice', department: '06' },
  { postalCode: '38000', city: 'Grenoble', department: '38' },
  { postalCode: '21000', city: 'Dijon', department: '21' },
  { postalCode: '63000', city: 'Clermont-Ferrand', department: '63' },
  { postalCode: '87000', city: 'Limoges', department: '87' },
  { postalCode: '29200', city: 'Brest', department: '29' },
  { postalCode: '20000', city: 'Ajaccio', department: '2A' },
  { postalCode: '97400', city: 'Saint-Denis', department: '974' },
  { postalCode: '42000', city: 'Saint-Étienne', department: '42' },
  { postalCode: '80000', city: 'Amiens', department: '80' },
  { postalCode: '25000', city: 'Besançon', department: '25' },
];

export const STREET_TYPES = ['rue', 'avenue', 'boulevard', 'place', 'allée', 'chemin', 'quai'];

export const STREET_NAMES = [
  'de la République',
  'Victor Hugo',
  'Jean Jaurès',
  'des Tilleuls',
  'du Général de Gaulle',
  'Pasteur',
  'de la Gare',
  'des Écoles',
  'Émile Zola',
  'du Moulin',
  'Saint-Éloi',
  'des Lilas',
];

/** Organisation names; `{city}` is replaced with the city. */
export const ORGANISATION_KINDS = [
  'Centre hospitalier de {city}',
  'CHU de {city}',
  'Clinique Saint-Éloi',
  'Maison de santé pluriprofessionnelle des Tilleuls',
  'Cabinet médical du Parc',
  'Pharmacie de la Gare',
  'Centre de santé Pasteur',
  'Laboratoire de biologie médicale de {city}',
];

/** Services of ORG mailboxes (Service de rattachement). */
export const SERVICES = [
  'Cardiologie',
  'Urgences',
  'Pédiatrie',
  'Maternité',
  'Radiologie',
  'Oncologie',
  'Secrétariat médical',
  'Admissions',
];

/** Mail domains of the generated directory (all under the reserved `.test` TLD). */
export const DOMAINS = [
  'sandbox.mssante.test',
  'sandbox.mssante.test',
  'sandbox.mssante.test',
  'hopital-exemple.mssante.test',
  'liberal.mssante.test',
];
