import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../../domain/shared/identity';
import { isEntityId, isTenantId } from '../../domain/shared/ids';
import { LocalUserDirectory } from '../../functions/identity/directory';
import { LocalIssuer } from './issuer';

/**
 * `npm run -s token -- --role authority-lead --tenant demo-shire --authority opcc [--sub id] [--expires 12h]`
 *
 * Prints (only) a token signed by the same persistent key as `npm start`, so it works
 * against a running local API: `TOKEN=$(npm run -s token -- --role viewer)`.
 */
const ISSUER_KEY_FILE = fileURLToPath(new URL('../../.local/issuer-key.json', import.meta.url));

const USAGE = `Usage: npm run -s token -- --role <role> [--tenant demo-shire] [--authority <id>] [--sub <id> | --email <address>] [--expires 12h]

  --role        one of ${ROLES.join(', ')}
  --tenant      partnership (tenant) id; default demo-shire
  --authority   authority id; required for authority-lead and authority-editor, not allowed for steering-group
  --sub         the user id (subject); default local-<role>[-<authority>]
  --email       the subject of this person as the local runtime knows them (a seeded or invited
                user), so GET /me/memberships and PUT /me/partnership see their memberships
  --expires     lifetime, e.g. 30m, 12h, 7d; default 12h`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        role: { type: 'string' },
        tenant: { type: 'string', default: 'demo-shire' },
        authority: { type: 'string' },
        sub: { type: 'string' },
        email: { type: 'string' },
        expires: { type: 'string', default: '12h' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }

  const role = values.role;
  if (!role) fail('--role is required');
  if (!(ROLES as readonly string[]).includes(role)) fail(`Unknown role "${role}"`);
  if (!isTenantId(values.tenant)) fail(`"${values.tenant}" is not a tenant id (lower-case letters, digits and hyphens)`);
  const authority = values.authority;
  if (authority !== undefined && !isEntityId(authority)) fail(`"${authority}" is not an authority id (letters, digits, hyphen or underscore)`);
  if ((role === 'authority-lead' || role === 'authority-editor') && !authority) fail(`--authority is required for ${role}`);
  if (role === 'steering-group' && authority) fail('A steering-group token sees the whole partnership: leave out --authority');
  if (!/^\d+\s*(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks)$/i.test(values.expires)) {
    fail(`--expires "${values.expires}" is not a lifetime such as 30m, 12h or 7d`);
  }
  if (values.sub !== undefined && values.email !== undefined) fail('Give --sub or --email, not both');
  const sub = values.email !== undefined ? LocalUserDirectory.subjectFor(values.email) : (values.sub ?? `local-${role}${authority ? `-${authority}` : ''}`);
  if (sub.trim() === '') fail('--sub must not be empty');

  if (!existsSync(ISSUER_KEY_FILE)) console.error(`(creating the local issuer key ${ISSUER_KEY_FILE}; npm start will use it too)`);
  const issuer = await LocalIssuer.persistent(ISSUER_KEY_FILE);
  const token = await issuer.mint({ sub, tenantId: values.tenant, role: role as Role, authorityId: authority }, values.expires);
  process.stdout.write(`${token}\n`);
  if (process.stdout.isTTY) {
    console.error(`\n${role}${authority ? ` @ ${authority}` : ''} of ${values.tenant}, sub ${sub}, valid ${values.expires}. Try:`);
    console.error(`  curl -s -H "Authorization: Bearer ${token}" http://localhost:${process.env.PORT || 3000}/me`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
