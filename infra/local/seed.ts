import { authorityService, type CreateAuthority } from '../../domain/authorities/authority';
import { newPartnership } from '../../domain/partnerships/partnership';
import type { Caller, Role } from '../../domain/shared/identity';
import { userService } from '../../domain/users/user';
import { userDirectory } from '../../functions/identity/directory';
import { systemDeps } from '../../functions/shared/deps';
import { seedDemoTraining } from './seed-training';
import { seedDemoSettings, seedDemoSops } from './seed-sops';
import { seedDemoAssurance, seedDemoDeadline } from './seed-assurance';
import { demoSchools } from './seed-schools';
import { seedDemoSteering } from './seed-steering';

/**
 * A FICTIONAL demo partnership for `npm start`, shaped like the Warwickshire Prevent
 * partnership in the seed documents (county council, five district and borough councils,
 * police force, OPCC whose IT the force provides, NHS foundation trust, probation, an FE
 * college) but with invented names. People are invented too; every email is @example.org.
 */
export const DEMO_TENANT_ID = 'demo-shire';
export const DEMO_PARTNERSHIP = { id: DEMO_TENANT_ID, name: 'Demoshire Prevent Partnership', county: 'Demoshire' } as const;

/** In creation order: `police` comes before `opcc`, whose IT it provides. */
export const DEMO_AUTHORITIES: readonly (CreateAuthority & { id: string })[] = [
  {
    id: 'county-council',
    name: 'Demoshire County Council',
    sector: 'local-government',
    type: 'county-council',
    preventLeadName: 'Casey Example',
    preventLeadEmail: 'casey.example@example.org',
  },
  {
    id: 'north-demoshire',
    name: 'North Demoshire Borough Council',
    sector: 'local-government',
    type: 'borough-council',
    preventLeadName: 'Nico Sample',
    preventLeadEmail: 'nico.sample@example.org',
  },
  {
    id: 'fenbury',
    name: 'Fenbury and Marlow Heath Borough Council',
    sector: 'local-government',
    type: 'borough-council',
    preventLeadName: 'Frankie Placeholder',
    preventLeadEmail: 'frankie.placeholder@example.org',
  },
  {
    id: 'kingsbrook',
    name: 'Kingsbrook Borough Council',
    sector: 'local-government',
    type: 'borough-council',
    preventLeadName: 'Kit Demo',
    preventLeadEmail: 'kit.demo@example.org',
  },
  {
    id: 'south-demoshire',
    name: 'South Demoshire District Council',
    sector: 'local-government',
    type: 'district-council',
    preventLeadName: 'Sasha Fictional',
    preventLeadEmail: 'sasha.fictional@example.org',
  },
  {
    id: 'oakminster',
    name: 'Oakminster District Council',
    sector: 'local-government',
    type: 'district-council',
    preventLeadName: 'Oakley Testperson',
    preventLeadEmail: 'oakley.testperson@example.org',
  },
  {
    id: 'police',
    name: 'Demoshire Police',
    sector: 'police',
    type: 'police-force',
    preventLeadName: 'Inspector Pat Specimen',
    preventLeadEmail: 'pat.specimen@example.org',
  },
  {
    id: 'opcc',
    name: 'Office of the Police and Crime Commissioner for Demoshire',
    sector: 'police',
    type: 'opcc',
    preventLeadName: 'Robin Example',
    preventLeadEmail: 'robin.example@example.org',
    itProvidedBy: 'police',
  },
  {
    id: 'nhs-trust',
    name: 'Demoshire Health NHS Foundation Trust',
    sector: 'health-social-care',
    type: 'nhs-foundation-trust',
    preventLeadName: 'Harper Mock',
    preventLeadEmail: 'harper.mock@example.org',
  },
  {
    id: 'probation',
    name: 'Probation Service – Demoshire Probation Delivery Unit',
    sector: 'criminal-justice',
    type: 'probation',
    preventLeadName: 'Parker Dummy',
    preventLeadEmail: 'parker.dummy@example.org',
  },
  {
    id: 'college',
    name: 'Demoshire College of Further Education',
    sector: 'education-childcare',
    type: 'fe-college',
    preventLeadName: 'Cameron Sample',
    preventLeadEmail: 'cameron.sample@example.org',
  },
];

interface DemoUserSpec {
  label: string;
  email: string;
  displayName: string;
  role: Role;
  authorityId?: string;
}

/** One user of every role; the two authority leads are the Prevent leads recorded on their authorities. */
export const DEMO_USER_SPECS: readonly DemoUserSpec[] = [
  { label: 'Steering group chair', email: 'morgan.chair@example.org', displayName: 'Morgan Chair', role: 'steering-group' },
  {
    label: 'Prevent Partnership Officer (steering group)',
    email: 'taylor.officer@example.org',
    displayName: 'Taylor Officer',
    role: 'steering-group',
  },
  {
    label: 'OPCC Head of Policy and Partnerships (Prevent lead)',
    email: 'robin.example@example.org',
    displayName: 'Robin Example',
    role: 'authority-lead',
    authorityId: 'opcc',
  },
  { label: 'OPCC policy officer', email: 'ellis.editor@example.org', displayName: 'Ellis Editor', role: 'authority-editor', authorityId: 'opcc' },
  {
    label: 'County council Prevent lead',
    email: 'casey.example@example.org',
    displayName: 'Casey Example',
    role: 'authority-lead',
    authorityId: 'county-council',
  },
  {
    label: 'County council safeguarding officer',
    email: 'jordan.records@example.org',
    displayName: 'Jordan Records',
    role: 'authority-editor',
    authorityId: 'county-council',
  },
  { label: 'Scrutiny member (read-only)', email: 'quinn.scrutiny@example.org', displayName: 'Quinn Scrutiny', role: 'viewer' },
  // One person, two partnerships: the force covers Demoshire and Northvale, and its Prevent lead
  // belongs to both (SECOND_PARTNERSHIP below); they choose which to act for after signing in.
  {
    label: 'Police Prevent lead (Demoshire and Northvale)',
    email: 'pat.specimen@example.org',
    displayName: 'Pat Specimen',
    role: 'authority-lead',
    authorityId: 'police',
  },
];

/**
 * A second, small FICTIONAL partnership whose county the same police force covers: the force
 * and one council, and the police Prevent lead of Demoshire as its member too (one identity,
 * two memberships). Nothing else is seeded there, so its pages are visibly another partnership's.
 */
export const SECOND_PARTNERSHIP = { id: 'north-vale', name: 'Northvale Prevent Partnership', county: 'Northvale' } as const;
const SECOND_AUTHORITIES: readonly (CreateAuthority & { id: string })[] = [
  { id: 'police', name: 'Demoshire Police (Northvale area)', sector: 'police', type: 'police-force', preventLeadName: 'Inspector Pat Specimen', preventLeadEmail: 'pat.specimen@example.org' },
  { id: 'vale-council', name: 'Northvale District Council', sector: 'local-government', type: 'district-council', preventLeadName: 'Vale Lead', preventLeadEmail: 'vale.lead@example.org' },
];
const SECOND_MEMBERS: readonly DemoUserSpec[] = [
  { label: 'Police Prevent lead (Demoshire and Northvale)', email: 'pat.specimen@example.org', displayName: 'Pat Specimen', role: 'authority-lead', authorityId: 'police' },
];

export interface DemoUser {
  /** The user's id in the (local) user directory: use it as the token's `sub`. */
  sub: string;
  role: Role;
  authorityId?: string;
  label: string;
  email: string;
}

export interface DemoSeed {
  tenantId: string;
  /** What this run wrote; all zero when the persistent database already held the demo. */
  created: { partnership: boolean; authorities: number; users: number };
  users: DemoUser[];
}

/** Authorities seeded side by side (see seedDemo). */
const SEED_AUTHORITIES_AT_ONCE = 4;

/**
 * The seed acts as a steering-group member of the demo partnership, so every write goes
 * through the domain services and leaves its audit event like any other write.
 */
const SEED_CALLER: Caller = { tenantId: DEMO_TENANT_ID, userId: 'demo-seed', role: 'steering-group' };

/**
 * Creates whatever of the demo partnership is missing (all of it on a fresh database,
 * nothing on a persistent one that already holds it; a run interrupted half-way is
 * completed next time). Never changes or overwrites existing records.
 *
 * Local only: refuses unless DYNAMODB_ENDPOINT points at DynamoDB Local and no Cognito
 * user pool is configured.
 */
export async function seedDemo(options: { schools?: number } = {}): Promise<DemoSeed> {
  if (!process.env.DYNAMODB_ENDPOINT) throw new Error('seedDemo writes fictional data: set DYNAMODB_ENDPOINT to a DynamoDB Local');
  if (process.env.USER_POOL_ID) throw new Error('seedDemo must not create users in a real user pool: unset USER_POOL_ID');

  const d = systemDeps();
  const created = { partnership: false, authorities: 0, users: 0 };

  if (!(await d.partnerships.get(DEMO_TENANT_ID))) {
    const { partnership, audit, courses } = newPartnership(DEMO_PARTNERSHIP, d.clock, d.ids);
    await d.partnerships.create(partnership, audit, courses);
    created.partnership = true;
  }

  // Independent writes go in parallel: DynamoDB Local and this process then work at once
  // rather than taking turns. Authorities whose IT another provides wait for that one.
  const authorities = authorityService({ store: d.authorities, clock: d.clock, ids: d.ids });
  const existingAuthorities = new Set((await d.authorities.list(DEMO_TENANT_ID)).map((a) => a.id));
  // The county's schools (--schools) after its other authorities, as a partnership brings them in.
  const all = [...DEMO_AUTHORITIES, ...demoSchools(options.schools ?? 0)];
  const missing = all.filter((a) => !existingAuthorities.has(a.id));
  for (const wave of [missing.filter((a) => !a.itProvidedBy), missing.filter((a) => a.itProvidedBy)]) {
    await inParallel(wave, 8, (authority) => authorities.create(SEED_CALLER, authority));
    created.authorities += wave.length;
  }

  const users = userService({ store: d.users, directory: userDirectory(), authorities: d.authorities, clock: d.clock, ids: d.ids });
  const stored = new Map((await d.users.list(DEMO_TENANT_ID)).map((u) => [u.email, u]));
  const result: DemoUser[] = await Promise.all(
    DEMO_USER_SPECS.map(async (spec) => {
      let user = stored.get(spec.email);
      if (!user) {
        user = await users.create(SEED_CALLER, { email: spec.email, displayName: spec.displayName, role: spec.role, authorityId: spec.authorityId });
        created.users++;
      }
      // The stored record is the truth (a persistent database may hold an older seed).
      return { sub: user.id, role: user.role, authorityId: user.authorityId, label: spec.label, email: user.email };
    }),
  );

  await seedSecondPartnership(created);

  await seedDemoSettings(SEED_CALLER);
  // Each authority's records in order (a statement keeps the training figures of its day);
  // four authorities side by side (each import runs its own 8 requests at once): all 11 at
  // once kept 2 cores no busier and cost DynamoDB Local ~1 s more CPU in contention.
  await inParallel(all, SEED_AUTHORITIES_AT_ONCE, async ({ id }) => {
    await seedDemoTraining(DEMO_TENANT_ID, SEED_CALLER, id);
    await seedDemoSops(DEMO_TENANT_ID, id);
    await seedDemoAssurance(DEMO_TENANT_ID, SEED_CALLER, id);
  });
  await seedDemoDeadline(DEMO_TENANT_ID, SEED_CALLER);
  await seedDemoSteering(DEMO_TENANT_ID, SEED_CALLER);

  return { tenantId: DEMO_TENANT_ID, created, users: result };
}

/** `work` for every item, at most `atOnce` at a time, in order of starting. */
async function inParallel<T>(items: readonly T[], atOnce: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(atOnce, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/** The second partnership (SECOND_PARTNERSHIP): whatever of it is missing, through the same services. */
async function seedSecondPartnership(created: DemoSeed['created']): Promise<void> {
  const d = systemDeps();
  const caller: Caller = { tenantId: SECOND_PARTNERSHIP.id, userId: 'demo-seed', role: 'steering-group' };
  if (!(await d.partnerships.get(SECOND_PARTNERSHIP.id))) {
    const { partnership, audit, courses } = newPartnership(SECOND_PARTNERSHIP, d.clock, d.ids);
    await d.partnerships.create(partnership, audit, courses);
  }
  const authorities = authorityService({ store: d.authorities, clock: d.clock, ids: d.ids });
  const existing = new Set((await d.authorities.list(SECOND_PARTNERSHIP.id)).map((a) => a.id));
  await Promise.all(SECOND_AUTHORITIES.filter((a) => !existing.has(a.id)).map((a) => authorities.create(caller, a)));
  const users = userService({ store: d.users, directory: userDirectory(), authorities: d.authorities, clock: d.clock, ids: d.ids });
  const members = new Set((await d.users.list(SECOND_PARTNERSHIP.id)).map((u) => u.email));
  for (const spec of SECOND_MEMBERS.filter((m) => !members.has(m.email))) {
    await users.create(caller, { email: spec.email, displayName: spec.displayName, role: spec.role, authorityId: spec.authorityId });
    created.users++;
  }
}
