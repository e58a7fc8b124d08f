import { beforeAll, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import writeXlsxFile from 'write-excel-file/node';
import { TestApi } from '../support/api';
import { seedPartnership, type PartnershipFixture } from '../support/fixtures';
import { useFreshTable } from '../support/table';
import { LMS_PLAN } from '../support/lms-export';

useFreshTable();

let api: TestApi;
let p: PartnershipFixture;
let steering: string;

/** A small export as a learning system writes it, with the characters Excel's Windows-1252 CSV loses. */
const HEADER = ['Employee ID', 'Full Name', 'Job Role', 'Course Title', 'Completion Date', 'Delivery Mode', 'Team', 'Provider'];
const ROWS: [string, string, string, string, string, string, string, string][] = [
  ['E001', 'Zoë O’Brien', 'Frontline officer', 'WRAP', '2024-03-05', 'Classroom', 'Finance (£ budgets)', 'Café Training Ltd'],
  ['E002', 'Renée Dupré, Jr', 'Safeguarding lead', 'Prevent e-learning', '05/03/2024', 'E-learning', 'Children’s services', 'Home Office'],
  ['E003', 'Seán Ó Dálaigh', 'senior-leader', 'Channel awareness', '2024-11-30', 'Teams', 'Exécutive; office', 'Prévent “Hub”'],
  ['E004', 'Ann Smith', 'frontline', 'Prevent awareness briefing', '31/01/2023', 'Classroom', 'Housing | repairs', 'In-house'],
];
/** The same dates as Excel date cells (UTC midnight: a calendar date, no time zone). */
const DATES = ['2024-03-05', '2024-03-05', '2024-11-30', '2023-01-31'];

const quote = (cell: string, delimiter: string) => (/["\r\n]/.test(cell) || cell.includes(delimiter) ? `"${cell.replace(/"/g, '""')}"` : cell);
const delimited = (delimiter: string, titleRows: string[] = []) =>
  [...titleRows, ...[HEADER, ...ROWS].map((row) => row.map((c) => quote(c, delimiter)).join(delimiter))].join('\r\n') + '\r\n';

async function freshAuthority(name: string): Promise<string> {
  const id = `${p.tenantId}-${name}`;
  const res = await api.request('POST', '/authorities', { token: steering, body: { id, name: `Authority ${name}`, sector: 'local-government', type: 'district-council' } });
  expect(res.status, res.text).toBe(201);
  const plan = await api.request('PUT', `/authorities/${id}/training-plan`, { token: steering, body: LMS_PLAN });
  expect(plan.status, plan.text).toBe(200);
  return id;
}

const importInto = (id: string, body: string | Uint8Array, contentType: string, query = '') =>
  api.request('POST', `/authorities/${id}/completions/import${query}`, { token: steering, rawBody: body, headers: { 'content-type': contentType } });

/** The completions as stored, without what differs between authorities and imports. */
async function completionsOf(id: string): Promise<any[]> {
  const res = await api.request('GET', `/authorities/${id}/completions?limit=500`, { token: steering });
  expect(res.status).toBe(200);
  return res.body.items
    .map(({ staffRef, name, role, team, courseId, completedOn, expiresOn, deliveryMode, provider }: any) => ({ staffRef, name, role, team, courseId, completedOn, expiresOn, deliveryMode, provider }))
    .sort((a: any, b: any) => a.staffRef.localeCompare(b.staffRef));
}

beforeAll(async () => {
  api = await TestApi.create();
  p = await seedPartnership(api, 'files');
  steering = p.tokens['steering-group'];
});

describe('the files people have', () => {
  let expected: any[];

  beforeAll(async () => {
    const id = await freshAuthority('utf8');
    const res = await importInto(id, delimited(','), 'text/csv');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ rows: 4, imported: 4, rejected: [], format: 'csv', encoding: 'utf-8', delimiter: ',', headerLine: 1, rowsWithoutRole: 0 });
    expected = await completionsOf(id);
    expect(expected.map((c) => c.name)).toEqual(ROWS.map((r) => r[1]));
    expect(expected.map((c) => c.team)).toEqual(ROWS.map((r) => r[6]));
    expect(expected.map((c) => c.provider)).toEqual(ROWS.map((r) => r[7]));
    expect(expected.map((c) => c.completedOn)).toEqual(DATES);
  });

  it('through the local HTTP server: the bytes on the wire reach the importer unchanged', async () => {
    const { startServer } = await import('../../infra/local/server');
    const server = await startServer({ gateway: api.gateway });
    try {
      const id = await freshAuthority('wire');
      const res = await fetch(`${server.url}/authorities/${id}/completions/import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${steering}`, 'content-type': 'application/vnd.ms-excel' },
        body: iconv.encode(delimited(','), 'windows-1252'),
      });
      const body: any = await res.json();
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(body).toMatchObject({ imported: 4, encoding: 'windows-1252' });
      expect(await completionsOf(id)).toEqual(expected);
    } finally {
      await server.close();
    }
  });

  it('UTF-8 with a byte-order mark, sent as bytes', async () => {
    const id = await freshAuthority('bom');
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(delimited(','), 'utf8')]);
    const res = await importInto(id, bytes, 'application/octet-stream');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ imported: 4, encoding: 'utf-8', format: 'csv' });
    expect(await completionsOf(id)).toEqual(expected);
  });

  it('Windows-1252, as Excel saves "CSV (Comma delimited)": £ é ’ survive', async () => {
    const id = await freshAuthority('cp1252');
    const bytes = iconv.encode(delimited(','), 'windows-1252');
    // The bytes Windows-1252 really uses: £ 0xA3, é 0xE9, ’ 0x92 — not valid UTF-8.
    for (const b of [0xa3, 0xe9, 0x92]) expect(bytes.includes(b)).toBe(true);
    const res = await importInto(id, bytes, 'application/vnd.ms-excel');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ imported: 4, encoding: 'windows-1252', rejected: [] });
    expect(await completionsOf(id)).toEqual(expected);

    // Sent as text/csv, API Gateway hands Lambda UTF-8 text and the three characters are lost
    // on the way: refused in words, with or without a named encoding, and nothing stored.
    const damaged = await freshAuthority('cp1252-as-text');
    for (const query of ['', '?encoding=windows-1252']) {
      const refused = await importInto(damaged, bytes, 'text/csv', query);
      expect(refused.status, refused.text).toBe(400);
      expect(refused.body.error.errors[0]).toMatchObject({ path: 'file', message: expect.stringMatching(/application\/octet-stream/) });
    }
    expect(await completionsOf(damaged)).toEqual([]);
  });

  it('ISO-8859-1 when the caller names it, and UTF-16 LE with its byte-order mark', async () => {
    const named = await freshAuthority('latin1');
    const latin = delimited(',').replace(/[’“”]/g, "'");
    const res = await importInto(named, iconv.encode(latin, 'iso-8859-1'), 'application/octet-stream', '?encoding=iso-8859-1');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ imported: 4, encoding: 'iso-8859-1' });
    expect((await completionsOf(named)).map((c) => c.name)).toContain('Renée Dupré, Jr');

    const id = await freshAuthority('utf16');
    const utf16 = iconv.encode(delimited('\t'), 'utf-16le', { addBOM: true });
    const res16 = await importInto(id, utf16, 'text/tab-separated-values');
    // A text content type reaches Lambda as UTF-8 text: UTF-16 sent that way would be damaged,
    // and the importer says so instead of storing replacement characters.
    expect(res16.status, res16.text).toBe(400);
    expect(res16.body.error.errors[0].path).toBe('file');
    const ok = await importInto(id, utf16, 'application/octet-stream');
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toMatchObject({ imported: 4, encoding: 'utf-16le', delimiter: '\t' });
    expect(await completionsOf(id)).toEqual(expected);
  });

  it('semicolon-separated (a European Excel), and tab-separated', async () => {
    const semi = await freshAuthority('semicolon');
    const res = await importInto(semi, delimited(';'), 'text/csv');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ imported: 4, delimiter: ';' });
    expect(await completionsOf(semi)).toEqual(expected);

    const tab = await freshAuthority('tab');
    const resTab = await importInto(tab, delimited('\t'), 'text/tab-separated-values');
    expect(resTab.status, resTab.text).toBe(200);
    expect(resTab.body).toMatchObject({ imported: 4, delimiter: '\t' });
    expect(await completionsOf(tab)).toEqual(expected);
  });

  it('title rows above the header: the header is found and line numbers stay those of the file', async () => {
    const id = await freshAuthority('titles');
    const csv = delimited(',', ['Prevent training report, generated 01/06/2026 09:00', 'Riverside District Council,,,']);
    const res = await importInto(id, csv, 'text/csv');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ rows: 4, imported: 4, headerLine: 3 });
    expect(await completionsOf(id)).toEqual(expected);

    const bad = delimited(',', ['Prevent training report', '']).replace('Café Training Ltd', 'Café Training Ltd').replace(',WRAP,', ',Basket weaving,');
    const other = await freshAuthority('titles-bad');
    const resBad = await importInto(other, bad, 'text/csv');
    expect(resBad.status, resBad.text).toBe(200);
    // Title (1), empty line (2), header (3): the first data row is line 4.
    expect(resBad.body.rejected).toEqual([{ line: 4, reasons: [expect.stringMatching(/unknown course/)] }]);
  });

  it('an Excel workbook (.xlsx) with real date cells, whatever the content type', async () => {
    const id = await freshAuthority('xlsx');
    const dateOf = (iso: string) => new Date(`${iso}T00:00:00Z`);
    const sheet = [
      [{ value: 'Prevent training report' }],
      HEADER.map((h) => ({ value: h })),
      ...ROWS.map((row, i) => row.map((cell, c) => (c === 4 ? { value: dateOf(DATES[i]), type: Date, format: 'dd/mm/yyyy' } : { value: cell }))),
    ];
    const bytes = await writeXlsxFile(sheet as never).toBuffer();
    expect([...bytes.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
    const res = await importInto(id, bytes, 'application/octet-stream');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ rows: 4, imported: 4, rejected: [], format: 'xlsx', headerLine: 2 });
    expect(res.body.encoding).toBeUndefined();
    expect(await completionsOf(id)).toEqual(expected);

    const typed = await freshAuthority('xlsx-typed');
    const again = await importInto(typed, bytes, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(again.status, again.text).toBe(200);
    expect(await completionsOf(typed)).toEqual(expected);
  });
});

describe('dates with a time, and files with nothing to import', () => {
  it('reads dates with a time of day as dates', async () => {
    const id = await freshAuthority('times');
    const csv = 'Staff ID,Course,Completion date\nT1,WRAP,01/06/2025 14:32\nT2,WRAP,2025-06-01T14:32:00Z\nT3,WRAP,2025-06-01 14:32:00\nT4,WRAP,2025-06-01 25:99\n';
    const res = await importInto(id, csv, 'text/csv');
    expect(res.status, res.text).toBe(200);
    expect(res.body.imported).toBe(3);
    expect(res.body.rejected).toEqual([{ line: 5, reasons: [expect.stringMatching(/impossible date/)] }]);
    expect((await completionsOf(id)).map((c) => c.completedOn)).toEqual(['2025-06-01', '2025-06-01', '2025-06-01']);
  });

  it('refuses a header without rows, and an empty body, in words', async () => {
    const id = await freshAuthority('empty');
    const header = await importInto(id, 'Staff ID,Course,Completion date\r\n', 'text/csv');
    expect(header.status).toBe(400);
    expect(header.body.error.errors).toEqual([{ path: 'file', message: 'The file has a header but no rows.' }]);
    for (const type of ['text/csv', 'application/octet-stream']) {
      const none = await importInto(id, '', type);
      expect(none.status).toBe(400);
      expect(none.body.error.errors[0].path).toBe('file');
      expect(none.body.error.message).toMatch(/No file was sent/);
      expect(none.text).not.toMatch(/expected|undefined/);
    }
  });
});

describe('a saved column and value mapping', () => {
  const csv = [
    'Person Number,Learner Name,Position Title,Learning Item,Date Completed,Delivery Method',
    'M1,Zoë O’Brien,Youth Worker,WRAP,2025-02-03,Teams call',
    'M2,Ann Smith,Caretaker,Prevent e-learning,03/02/2025,Self-paced module',
    'M3,Renée Dupré,Head of Service,Channel awareness,2025-02-03,In person',
    'M4,Seán Ó Dálaigh,youth worker,WRAP,2025-02-04,Teams call',
  ].join('\n');

  it('without one, the unrecognised columns are listed as ignored and nobody has a role', async () => {
    const id = await freshAuthority('unmapped');
    const res = await importInto(id, csv, 'text/csv');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ imported: 4, rowsWithoutRole: 4 });
    expect(res.body.columnsUsed).toEqual({ 'Person Number': 'staffRef', 'Learner Name': 'name', 'Learning Item': 'course', 'Date Completed': 'completedOn' });
    expect(res.body.columnsIgnored).toEqual(['Position Title', 'Delivery Method']);
  });

  it('with one saved for the authority, every person gets their role and mode', async () => {
    const id = await freshAuthority('mapped');
    const url = `/authorities/${id}/import-mapping`;
    const empty = await api.request('GET', url, { token: p.tokens['viewer@partnership'] });
    expect(empty.status, empty.text).toBe(200);
    expect(empty.body).toMatchObject({ columns: {}, values: { role: {}, deliveryMode: {} }, version: 0 });

    const mapping = {
      columns: { 'Position Title': 'role', 'Delivery Method': 'deliveryMode' },
      values: {
        role: { 'Youth Worker': 'frontline', Caretaker: 'frontline', 'Head of Service': 'senior-leader' },
        deliveryMode: { 'Teams call': 'virtual-classroom', 'Self-paced module': 'e-learning', 'In person': 'face-to-face' },
      },
    };
    const unknownRole = await api.request('PUT', url, { token: steering, body: { ...mapping, values: { ...mapping.values, role: { Caretaker: 'astronaut' } }, version: 0 } });
    expect(unknownRole.status).toBe(400);
    expect(unknownRole.body.error.errors[0].path).toBe('values.role.Caretaker');
    const saved = await api.request('PUT', url, { token: steering, body: { ...mapping, version: 0 } });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body.version).toBe(1);
    const stale = await api.request('PUT', url, { token: steering, body: { ...mapping, version: 0 } });
    expect(stale.status).toBe(409);
    expect((await api.request('GET', url, { token: steering })).body).toMatchObject({ ...mapping, version: 1 });

    const res = await importInto(id, csv, 'text/csv');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ imported: 4, rejected: [], rowsWithoutRole: 0, columnsIgnored: [] });
    expect(res.body.columnsUsed).toMatchObject({ 'Position Title': 'role', 'Delivery Method': 'deliveryMode' });
    const stored = await completionsOf(id);
    expect(stored.map((c) => [c.staffRef, c.name, c.role, c.deliveryMode])).toEqual([
      ['M1', 'Zoë O’Brien', 'frontline', 'virtual-classroom'],
      ['M2', 'Ann Smith', 'frontline', 'e-learning'],
      ['M3', 'Renée Dupré', 'senior-leader', 'face-to-face'],
      ['M4', 'Seán Ó Dálaigh', 'frontline', 'virtual-classroom'],
    ]);

    const audit = await api.request('GET', `/audit?entityType=import-mapping&entityId=${id}`, { token: steering });
    expect(audit.body.items.map((e: any) => e.action)).toEqual(['create']);
  });

  it('an explicit column wins over the built-in header names', async () => {
    const id = await freshAuthority('override');
    const url = `/authorities/${id}/import-mapping`;
    // "Team" is a built-in header for team; here the authority says its "Team" column is the role.
    const put = await api.request('PUT', url, { token: steering, body: { columns: { Team: 'role' }, values: { role: { Wardens: 'frontline' } }, version: 0 } });
    expect(put.status, put.text).toBe(200);
    const res = await importInto(id, 'Staff ID,Course,Date,Team\nW1,WRAP,2025-01-02,Wardens\n', 'text/csv');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ imported: 1, rowsWithoutRole: 0, columnsUsed: { Team: 'role' } });
    expect((await completionsOf(id))[0]).toMatchObject({ role: 'frontline' });
    expect((await completionsOf(id))[0].team).toBeUndefined();
  });
});
