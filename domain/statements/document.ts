import * as z from 'zod';
import { auditEvent } from '../audit/audit';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import { PayloadTooLargeError } from '../shared/limits';
import { assertCanSeeAuthority, requireRole, type Caller } from '../shared/identity';
import type { Clock, IdGenerator } from '../shared/ports';
import { nextMeta } from '../shared/records';
import type { StatementStore } from './statement';

/** The signed statement as a document: PDF, DOCX or ODT, at most 20 MB. */
export const DOCUMENT_TYPES = {
  'application/pdf': { extension: 'pdf', magic: Buffer.from('%PDF-') },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { extension: 'docx', magic: Buffer.from([0x50, 0x4b, 0x03, 0x04]) },
  'application/vnd.oasis.opendocument.text': { extension: 'odt', magic: Buffer.from([0x50, 0x4b, 0x03, 0x04]) },
} as const;
export type DocumentType = keyof typeof DOCUMENT_TYPES;
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
export const UPLOAD_URL_SECONDS = 300;
export const DOWNLOAD_URL_SECONDS = 300;

export const RequestUpload = z.object({
  fileName: z.string().trim().min(1).max(200),
  contentType: z.string().min(1).max(200),
  contentLength: z.number().int().min(1),
});
export const AttachDocument = z.object({ key: z.string().min(1).max(500), fileName: z.string().trim().min(1).max(200), version: z.number().int().positive() });
export const StatementDocument = z.object({
  key: z.string(),
  fileName: z.string(),
  contentType: z.string(),
  size: z.number(),
  sha256: z.string(),
  uploadedAt: z.string(),
  uploadedBy: z.string(),
});
export type StatementDocument = z.infer<typeof StatementDocument>;

export interface DocumentStorage {
  presignUpload(key: string, contentType: string, contentLength: number, expiresIn: number): Promise<string>;
  presignDownload(key: string, fileName: string, expiresIn: number): Promise<string>;
  /** What was uploaded, or undefined if nothing is there. */
  inspect(key: string): Promise<{ contentType: string; size: number; sha256: string; head: Buffer } | undefined>;
  remove(key: string): Promise<void>;
}

/** Object keys start with the partnership, authority and year, so nothing can be attached across them. */
export const documentKeyPrefix = (tenantId: string, authorityId: string, year: string) => `${tenantId}/${authorityId}/${year}/`;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const EXTENSIONS = Object.values(DOCUMENT_TYPES).map((t) => t.extension).join('|');

/**
 * Exactly the keys `requestUpload` issues for this statement: prefix, one generated id, a
 * document extension. A prefix test alone would let `<prefix>../../<other tenant>/…` through:
 * S3 does not resolve `..` in keys, but everything between here and there might.
 */
export function isIssuedDocumentKey(key: string, tenantId: string, authorityId: string, year: string): boolean {
  return new RegExp(`^${escapeRegExp(documentKeyPrefix(tenantId, authorityId, year))}[A-Za-z0-9_-]{1,64}\\.(?:${EXTENSIONS})$`).test(key);
}

export function documentService(deps: {
  statements: StatementStore;
  storage: DocumentStorage;
  authorities: { get(tenantId: string, id: string): Promise<unknown> };
  clock: Clock;
  ids: IdGenerator;
}) {
  async function statementInScope(caller: Caller, authorityId: string, year: string) {
    assertCanSeeAuthority(caller, authorityId);
    if (!(await deps.authorities.get(caller.tenantId, authorityId))) throw new NotFoundError('Authority');
    const statement = await deps.statements.get(caller.tenantId, authorityId, year);
    if (!statement) throw new NotFoundError('Statement');
    return statement;
  }

  function editable(status: string) {
    if (status === 'submitted' || status === 'accepted') throw new ConflictError(`This statement is ${status}; its document can no longer change.`, { reason: 'immutable' });
  }

  return {
    /** The lead asks to upload: type and size are checked before any URL is signed. */
    async requestUpload(caller: Caller, authorityId: string, year: string, input: z.infer<typeof RequestUpload>) {
      requireRole(caller, 'authority-lead');
      const statement = await statementInScope(caller, authorityId, year);
      editable(statement.status);
      if (!(input.contentType in DOCUMENT_TYPES)) {
        throw new ValidationError([{ path: 'contentType', message: `Attach the signed statement as PDF, DOCX or ODT, not ${input.contentType}.` }]);
      }
      if (input.contentLength > MAX_DOCUMENT_BYTES) {
        throw new PayloadTooLargeError(`The document may be at most ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB; this one is ${(input.contentLength / 1024 / 1024).toFixed(1)} MB.`);
      }
      const key = `${documentKeyPrefix(caller.tenantId, authorityId, year)}${deps.ids.next()}.${DOCUMENT_TYPES[input.contentType as DocumentType].extension}`;
      const url = await deps.storage.presignUpload(key, input.contentType, input.contentLength, UPLOAD_URL_SECONDS);
      return { key, uploadUrl: url, method: 'PUT' as const, headers: { 'content-type': input.contentType, 'content-length': String(input.contentLength) }, expiresIn: UPLOAD_URL_SECONDS };
    },

    /**
     * After the upload, the lead attaches it: the API checks what arrived (type, size, the
     * file's own signature bytes) and records its SHA-256. Anything wrong is deleted.
     */
    async attach(caller: Caller, authorityId: string, year: string, input: z.infer<typeof AttachDocument>) {
      requireRole(caller, 'authority-lead');
      const statement = await statementInScope(caller, authorityId, year);
      editable(statement.status);
      if (statement.version !== input.version) throw new ConflictError('This statement was changed by someone else; reload it and try again.', { reason: 'stale_version', currentVersion: statement.version });
      if (!isIssuedDocumentKey(input.key, caller.tenantId, authorityId, year)) throw new ValidationError([{ path: 'key', message: 'This upload does not belong to this statement.' }]);
      const found = await deps.storage.inspect(input.key);
      if (!found) throw new ValidationError([{ path: 'key', message: 'Nothing was uploaded under this key (or the upload URL was refused).' }]);
      const type = DOCUMENT_TYPES[found.contentType as DocumentType];
      const problem = !type
        ? `The upload is ${found.contentType}, not PDF, DOCX or ODT.`
        : found.size > MAX_DOCUMENT_BYTES
          ? 'The upload is larger than 20 MB.'
          : !found.head.subarray(0, type.magic.length).equals(type.magic)
            ? `The file is not a ${type.extension.toUpperCase()} document.`
            : undefined;
      if (problem) {
        await deps.storage.remove(input.key);
        throw new ValidationError([{ path: 'key', message: `${problem} It has been removed.` }]);
      }
      const now = deps.clock.now();
      const document: StatementDocument = { key: input.key, fileName: input.fileName, contentType: found.contentType, size: found.size, sha256: found.sha256, uploadedAt: now.toISOString(), uploadedBy: caller.userId };
      const updated = { ...statement, document, ...nextMeta(statement, caller, now) };
      // The note leaves the file name out: names of signed statements name their signatories, and
      // audit events outlive the statement's own data (the digest identifies the file).
      await deps.statements.put(
        caller.tenantId,
        updated,
        statement.version,
        auditEvent(caller, now, deps.ids, { action: 'update', entityType: 'statement', entityId: `${authorityId}-${year}`, authorityId, before: { document: statement.document?.sha256 }, after: { document: document.sha256 }, note: `Signed document attached (${document.size} bytes)` }),
      );
      return document;
    },

    /** Anyone who may read the statement gets a short-lived link; a version's own document by `?version=`. */
    async downloadUrl(caller: Caller, authorityId: string, year: string, versionNumber?: number) {
      const statement = await statementInScope(caller, authorityId, year);
      const document = versionNumber
        ? (await deps.statements.version(caller.tenantId, authorityId, year, versionNumber))?.document
        : statement.document;
      if (!document) throw new NotFoundError('Document');
      return { url: await deps.storage.presignDownload(document.key, document.fileName, DOWNLOAD_URL_SECONDS), expiresIn: DOWNLOAD_URL_SECONDS, fileName: document.fileName, sha256: document.sha256 };
    },
  };
}
