/**
 * Mutants for `npm run mutation` (run.ts): each takes one authorization check out of the product
 * (or the local stand-in for API Gateway's JWT authorizer) with a literal text patch. Every
 * `from` must occur exactly once in its file, so a mutant that no longer applies after the code
 * moves fails loudly instead of silently testing the unmutated product.
 *
 * `named` marks the mutants issue 15 names as survivors of the first mutation run (the gateway
 * not verifying issuer, audience or algorithm; the viewer's report; GET /sops). The rest are the
 * checks of the same kind the matrix already caught then, and the inputs issue 15 adds (cursors,
 * document and import keys, IT providers, the tenant guard).
 */
export interface Patch {
  file: string;
  from: string;
  to: string;
}

export interface Mutant {
  id: string;
  what: string;
  named?: boolean;
  patches: Patch[];
}

const ISSUER = 'infra/local/issuer.ts';
const VERIFY = "const { payload } = await jwtVerify(token, this.publicKey, { issuer: LOCAL_ISSUER, algorithms: [ALG], requiredClaims: ['exp'] });";
const verifyWith = (options: string) => `const { payload } = await jwtVerify(token, this.publicKey, { ${options} });`;

export const MUTANTS: Mutant[] = [
  {
    id: 'gateway-no-iss',
    what: 'the authorizer does not check the issuer',
    named: true,
    patches: [{ file: ISSUER, from: VERIFY, to: verifyWith("algorithms: [ALG], requiredClaims: ['exp']") }],
  },
  {
    id: 'gateway-no-aud',
    what: 'the authorizer does not check aud / client_id',
    named: true,
    patches: [{ file: ISSUER, from: "if (!audienceMatches(payload)) throw new Error('The token is not for this app client.');", to: '' }],
  },
  {
    id: 'gateway-alg-none',
    what: 'the authorizer accepts an unsigned token (alg: none)',
    named: true,
    patches: [
      {
        file: ISSUER,
        from: VERIFY,
        to: `const [h, p] = token.split('.');
    if (JSON.parse(Buffer.from(h, 'base64url').toString()).alg === 'none') return JSON.parse(Buffer.from(p, 'base64url').toString()) as JWTPayload;
    ${VERIFY}`,
      },
    ],
  },
  {
    id: 'gateway-exp-optional',
    what: 'the authorizer accepts a token without exp',
    patches: [{ file: ISSUER, from: VERIFY, to: verifyWith('issuer: LOCAL_ISSUER, algorithms: [ALG]') }],
  },
  {
    id: 'gateway-expiry-ignored',
    what: 'the authorizer does not check exp (a clock stuck in 1970)',
    patches: [{ file: ISSUER, from: VERIFY, to: verifyWith("issuer: LOCAL_ISSUER, algorithms: [ALG], requiredClaims: ['exp'], currentDate: new Date(0)") }],
  },
  {
    id: 'gateway-clock-skew',
    what: 'the authorizer allows two hours of clock skew (nbf and exp)',
    patches: [{ file: ISSUER, from: VERIFY, to: verifyWith("issuer: LOCAL_ISSUER, algorithms: [ALG], requiredClaims: ['exp'], clockTolerance: '2h'") }],
  },
  {
    id: 'gateway-no-signature',
    what: 'the gateway decodes the token without verifying it',
    patches: [
      {
        file: 'infra/local/gateway.ts',
        from: 'claims = flattenClaims(await options.issuer.verify(token));',
        to: "claims = flattenClaims(JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()));",
      },
    ],
  },
  {
    id: 'report-viewer-all-rows',
    what: 'a viewer of one authority gets every row of the consolidated report',
    named: true,
    patches: [
      {
        file: 'domain/reports/service.ts',
        from: "const authorities = scope.kind === 'partnership' ? data.authorities : data.authorities.filter((a) => a.id === scope.authorityId);",
        to: 'const authorities = scope.kind ? data.authorities : [];',
      },
    ],
  },
  {
    id: 'sops-all-authorities',
    what: "GET /sops lists every authority's SOP to an authority user",
    named: true,
    patches: [{ file: 'domain/sop/sop.ts', from: ".filter((s) => scope.kind === 'partnership' || s.authorityId === scope.authorityId)", to: '.filter(() => scope.kind !== undefined)' }],
  },
  {
    id: 'authorities-list-unfiltered',
    what: 'GET /authorities lists every authority to an authority user',
    patches: [{ file: 'domain/authorities/authority.ts', from: "return scope.kind === 'partnership' ? all : all.filter((a) => a.id === scope.authorityId);", to: 'return scope.kind ? all : [];' }],
  },
  {
    id: 'coverage-unfiltered',
    what: "GET /training/coverage gives an authority user every authority's coverage",
    patches: [{ file: 'domain/training/service.ts', from: "const visible = scope.kind === 'partnership' ? all : all.filter((a) => a.id === scope.authorityId);", to: 'const visible = scope.kind ? all : [];' }],
  },
  {
    id: 'authority-scope-ignored',
    what: 'an authority claim does not narrow what a caller sees',
    patches: [{ file: 'domain/shared/identity.ts', from: "if (caller.authorityId) return { kind: 'authority', authorityId: caller.authorityId };", to: '' }],
  },
  {
    id: 'statements-authority-check-removed',
    what: 'statements do not check the caller may see the authority',
    patches: [
      {
        file: 'domain/statements/statement.ts',
        from: "assertCanSeeAuthority(caller, authorityId);\n    if (!isReportingYear(year))",
        to: "if (!isReportingYear(year))",
      },
    ],
  },
  {
    id: 'documents-authority-check-removed',
    what: 'statement documents do not check the caller may see the authority',
    patches: [
      {
        file: 'domain/statements/document.ts',
        from: "assertCanSeeAuthority(caller, authorityId);\n    if (!(await deps.authorities.get(caller.tenantId, authorityId)))",
        to: 'if (!(await deps.authorities.get(caller.tenantId, authorityId)))',
      },
    ],
  },
  {
    id: 'tenant-from-body',
    what: "the handler takes the partnership from the request body's tenantId",
    patches: [
      {
        file: 'functions/shared/http.ts',
        from: 'caller = callerFromClaims(event.requestContext?.authorizer?.jwt?.claims);',
        to: `caller = callerFromClaims(event.requestContext?.authorizer?.jwt?.claims);
      // jsonBodyParser has parsed a JSON body by now; a CSV body is a string.
      const sent = event.body as unknown;
      const smuggled = sent && typeof sent === 'object' ? (sent as { tenantId?: unknown }).tenantId : undefined;
      if (typeof smuggled === 'string' && smuggled) caller = { ...caller, tenantId: smuggled };`,
      },
    ],
  },
  {
    id: 'membership-unchecked',
    what: 'PUT /me/partnership switches to a partnership the caller is no member of',
    patches: [
      {
        file: 'domain/users/membership.ts',
        from: 'const membership = memberships.find((m) => m.tenantId === input.tenantId);',
        to: 'const membership = memberships.find((m) => m.tenantId === input.tenantId) ?? (memberships[0] && { ...memberships[0], tenantId: input.tenantId });',
      },
    ],
  },
  {
    id: 'tenant-guard-disabled',
    what: 'the tenant guard lets every request through',
    patches: [{ file: 'functions/data/tenant-guard.ts', from: 'if (problem) throw new TenantGuardError', to: 'if (problem && false) throw new TenantGuardError' }],
  },
  {
    id: 'cursor-binding-dropped',
    what: 'a page cursor is not bound to its query (no associated data, no partition check)',
    patches: [
      { file: 'functions/data/store.ts', from: '  cipher.setAAD(cursorBinding(q));\n', to: '' },
      { file: 'functions/data/store.ts', from: '    decipher.setAAD(cursorBinding(q));\n', to: '' },
      { file: 'functions/data/store.ts', from: " || k[q.index?.partitionKey ?? TABLE.partitionKey] !== q.pk", to: '' },
    ],
  },
  {
    id: 'document-key-unbound',
    what: 'any uploaded document key may be attached to a statement',
    patches: [{ file: 'domain/statements/document.ts', from: 'if (!isIssuedDocumentKey(input.key, caller.tenantId, authorityId, year)) throw', to: 'if (!input.key) throw' }],
  },
  {
    id: 'import-key-unbound',
    what: 'any uploaded import file key may start an import',
    patches: [{ file: 'domain/training/import-job.ts', from: 'if (!isIssuedImportKey(input.key, caller.tenantId, authorityId)) {', to: 'if (!input.key) {' }],
  },
  {
    id: 'it-provider-unchecked',
    what: 'an IT provider need not be an authority of the partnership',
    patches: [{ file: 'domain/authorities/authority.ts', from: '} else if (!known.has(fields.itProvidedBy)) {', to: '} else if (known.size < 0) {' }],
  },
  {
    id: 'action-plan-unfiltered',
    what: 'an authority’s users see every action of the plan, not only those their authority leads',
    patches: [{ file: 'domain/actionplan/plan.ts', from: "return scope.kind === 'partnership' || a.leadAuthorities.includes(scope.authorityId);", to: 'return scope.kind !== undefined;' }],
  },
  {
    id: 'action-progress-any-lead',
    what: 'any authority lead or editor may update any action’s progress',
    patches: [
      { file: 'domain/actionplan/plan.ts', from: "return scope.kind === 'partnership' || a.leadAuthorities.includes(scope.authorityId);", to: 'return scope.kind !== undefined;' },
      { file: 'domain/actionplan/plan.ts', from: '&& !!caller.authorityId && a.leadAuthorities.includes(caller.authorityId);', to: '&& !!caller.authorityId;' },
    ],
  },
  {
    id: 'delivery-any-authority',
    what: 'delivery figures are entered and read by any authority’s lead or editor, not only the police’s',
    patches: [{ file: 'domain/delivery/figures.ts', from: "return (await authorities.get(caller.tenantId, caller.authorityId))?.sector === 'police';", to: 'return true;' }],
  },
  {
    id: 'annual-report-bound-viewer',
    what: 'a viewer bound to one authority reads the partnership’s annual report',
    patches: [{ file: 'domain/reports/annual.ts', from: "if (caller.role === 'viewer' && caller.authorityId) throw", to: 'if (caller.role === undefined) throw' }],
  },
];
